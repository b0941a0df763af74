"""A Ctrl-C while Python loads the app ends ``complaints`` quietly with status 130, as one later does.

The interrupt is sent by the child itself at a chosen point of loading (an import hook that sends SIGINT when a
given module is about to be imported), not by a timer from outside: a race against the loading would pass or fail
by the machine's load. Sending it at the import of typer (cli.py's first heavy import) and of the commands (its
last) covers the start of loading and its end.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import importlib.abc, os, signal, sys

AT = sys.argv[1]
signal.signal(signal.SIGINT, signal.default_int_handler)  # as a terminal starts it: a job run in the background
                                                           # (CI's, say) inherits SIGINT ignored, and Python keeps that

class Interrupt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == AT:
            signal.raise_signal(signal.SIGINT)  # to this thread, at once (os.kill may reach another)
        return None

sys.meta_path.insert(0, Interrupt())
from {module} import main
sys.argv = ["complaints", "--version"]
main()
"""


def _start(module: str, interrupted_at: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", CHILD.format(module=module), interrupted_at], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60, check=False)


@pytest.mark.parametrize("interrupted_at", ["typer", "commands.documents", "domain.harmless"])
def test_a_ctrl_c_while_loading_exits_quietly_with_130(interrupted_at):
    done = _start("cli_entry", interrupted_at)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")


def test_without_it_the_same_ctrl_c_printed_a_traceback():
    """What the tryout saw, kept as the proof that the test above interrupts where it says."""
    done = _start("cli", "typer")
    assert done.returncode != 130 and "KeyboardInterrupt" in done.stderr


def test_the_app_runs_once_loaded():
    done = _start("cli_entry", "no.such.module")
    assert (done.returncode, done.stdout.startswith("complaints "), done.stderr) == (0, True, "")


def test_the_console_script_is_the_entry_and_it_imports_no_more_than_it_must():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"complaints": "cli_entry:main"}
    tree = ast.parse((ROOT / "cli_entry.py").read_text(encoding="utf-8"))
    top = {alias.name for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
           for alias in node.names if not (isinstance(node, ast.ImportFrom) and node.module == "__future__")}
    assert top <= {"os", "signal", "FrameType"}, top  # the standard library's, loaded before Python runs it


def test_cli_main_is_still_the_command_line():
    import cli

    assert callable(cli.main) and cli.app is not None
