"""The ``complaints`` command's entry point (``[project.scripts]``): cheap to import, then the real one, ``cli.main``.

Python takes a tenth of a second to load the app (typer, the commands) before ``cli.main`` can say what Ctrl-C
does; a Ctrl-C meanwhile printed a traceback. This module imports the standard library's ``os`` and ``signal``
alone; its ``main`` first makes a Ctrl-C end the program quietly with status 130 (as one does later), then loads
the app. Nothing has been opened or written by then, so nothing is left half done. ``cli.main`` (which tests and
scripts import) then puts its own handler in place. Importing this module changes nothing.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

#: The status a program ended by Ctrl-C exits with (128 + SIGINT), as ``cli.main`` does.
INTERRUPTED = 130


def _leave(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C before the app is loaded: leave at once, without a traceback (nothing is open yet)."""
    os._exit(INTERRUPTED)


def main() -> None:
    """Load the command line with Ctrl-C ending it quietly, then run it (``cli.main`` handles Ctrl-C from then on)."""
    signal.signal(signal.SIGINT, _leave)
    try:
        from cli import main as run
    except KeyboardInterrupt:  # a handler of Python's put back while loading: the same quiet end
        os._exit(INTERRUPTED)
    run()
