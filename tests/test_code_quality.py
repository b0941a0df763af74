"""The code stays ruff- and mypy-clean and keeps its layers' rules: checked by the same command that runs the tests."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from domain.errors import ComplaintsError

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
                "--no-logo", "--no-cache"]


@pytest.mark.parametrize("tool", [["ruff", "check", "--no-cache", "."], ["mypy", "--cache-dir", "/dev/null"]],
                         ids=["ruff", "mypy"])
def test_tool_reports_nothing(tool):
    result = subprocess.run([sys.executable, "-m", *tool], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _lint_imports(root: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    """import-linter on the packages under ``root`` (PYTHONPATH first, so a copy is read, not the installed tree)."""
    only = [arg for contract in contracts for arg in ("--contract", contract)]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([*LINT_IMPORTS, *only], cwd=root, capture_output=True, text=True, env=env)


def test_import_linter_finds_no_broken_contract():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " BROKEN" not in result.stdout


@pytest.mark.parametrize(("contract", "module", "bad_import"), [
    ("domain", "domain/outcomes.py", "from store.db import names"),
    ("domain", "domain/outcomes.py", "import sqlalchemy"),
    ("store", "store/db/names.py", "import reports.layout"),
    ("store", "store/db/names.py", "import cli"),
    ("screens", "tui/form.py", "from store.views import case"),
    ("screens", "tui/app.py", "import store.db.database"),
    ("commands", "commands/digest.py", "import textual"),
    ("reports", "reports/summary.py", "import tui.app"),
])
def test_import_linter_fails_on_an_import_against_the_rules(tmp_path, contract, module, bad_import):
    """The contracts can fail: a copy of the tree with one bad import added, inside a function, breaks one."""
    for package in ("domain", "store", "reports", "tui", "commands"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / module).open("a") as fh:
        fh.write(f"\n\ndef _against_the_rules() -> None:\n    {bad_import}  # noqa\n")
    result = _lint_imports(tmp_path, contract)
    assert result.returncode == 1, result.stdout + result.stderr
    importer = module.removesuffix(".py").replace("/", ".")
    assert " BROKEN" in result.stdout and f"{importer} -> {bad_import.split()[1]}" in result.stdout, result.stdout


def _imports_outside_functions(tree: ast.AST) -> list[str]:
    """The modules imported when the module is imported: every import not inside a function's body."""
    found: list[str] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.Import):
                found += [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                found.append(child.module)
            todo.append(child)
    return found


def _functions_importing(tree: ast.AST, package: str) -> set[str]:
    """The functions whose bodies import ``package`` or one of its modules."""
    found = set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(name == package or name.startswith(f"{package}.") for name in names):
                    found.add(function.name)
    return found


def test_the_cli_module_loads_neither_textual_nor_the_tui():
    """cli.py (which import-linter cannot read: it is a module, not a package) imports no Textual and no tui at
    import; the TUI is imported only inside the function that starts it, so the other commands stay light."""
    tree = ast.parse((ROOT / "cli.py").read_text(encoding="utf-8"))
    at_import = {name.split(".")[0] for name in _imports_outside_functions(tree)}
    assert not at_import & {"textual", "tui", "textual_plotext"}
    assert _functions_importing(tree, "textual") == set()
    assert _functions_importing(tree, "tui") == {"_run_tui"}


def _modules(package: str):
    root = importlib.import_module(package)
    yield root
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        if ".migrations" not in info.name:  # Alembic's scripts run only inside Alembic
            yield importlib.import_module(info.name)


def test_every_public_error_of_the_product_is_a_complaints_error():
    """One base class for what the product refuses or cannot do, so a face can tell it from a bug."""
    errors = {f"{module.__name__}.{name}": value
              for package in ("domain", "store", "reports", "tui", "commands") for module in _modules(package)
              for name, value in vars(module).items()
              if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == module.__name__
              and not name.startswith("_")}
    assert len(errors) >= 10, sorted(errors)
    assert [name for name, error in errors.items() if not issubclass(error, ComplaintsError)] == []


#: No module of the product is longer than this: one small module per screen, command group or room.
MOST_LINES = 500


def test_no_product_module_is_over_500_lines():
    modules = [ROOT / "cli.py", *(path for package in ("domain", "store", "reports", "tui", "commands")
                                  for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts)]
    assert len(modules) > 60
    sizes = {str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines()) for path in modules}
    assert {name: lines for name, lines in sizes.items() if lines > MOST_LINES} == {}
