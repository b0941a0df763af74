"""The store's own error, in a module of its own: the TUI's start-up catches it without importing SQLAlchemy."""

from domain.errors import ComplaintsError


class StoreError(ComplaintsError):
    """A problem with the database that the user can act on; the message says what and where."""
