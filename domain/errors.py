"""The one base class of the product's errors.

Every error a user may meet derives from ``ComplaintsError``, so a face (the CLI, the TUI) can tell
"the product refused, here is why" from a bug with one ``except``. Errors that were ``ValueError``s
stay ``ValueError``s too, so existing ``except ValueError`` still catches them.
"""

from __future__ import annotations


class ComplaintsError(Exception):
    """Anything the product refuses or cannot do, with a message fit for the user."""
