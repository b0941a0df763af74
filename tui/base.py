"""What every screen of complaints shares: the app, typed, and one path for a worker's failure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual import getters
from textual.app import App
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from tui.app import ComplaintsApp

ResultT = TypeVar("ResultT")


def complaints_app(app: App[Any]) -> ComplaintsApp:
    """``app`` as the complaints app it is (imported here, not above: the app module imports the screens)."""
    from tui.app import ComplaintsApp

    assert isinstance(app, ComplaintsApp)
    return app


class the_app(getters.app["ComplaintsApp"]):  # lower case, as Textual names its descriptors
    """``getters.app`` for the complaints app, its class looked up when first asked (the app module imports
    the screens, so it cannot be imported here at first)."""

    def __init__(self) -> None:
        pass

    def __get__(self, obj: MessagePump, obj_type: type[MessagePump]) -> ComplaintsApp:
        from tui.app import ComplaintsApp

        self._app_type = ComplaintsApp
        return super().__get__(obj, obj_type)


class NeverClosesTheApp:
    """Mixed into the app, its screens and the caseload window (before their Textual class): none of their
    workers' failures closes the app (Textual's default); ``on_worker_state_changed`` of each says what failed,
    through the app's one handler. Not a DOMNode itself, so it adds no CSS type name to what it is mixed into."""

    def run_worker(self, work: Any, name: str | None = "", group: str = "default", description: str = "",
                   exit_on_error: bool = True, start: bool = True, exclusive: bool = False,
                   thread: bool = False) -> Worker[Any]:
        run: Any = super().run_worker  # type: ignore[misc]  # the Textual class it is mixed into has it
        worker: Worker[Any] = run(work, name, group, description, exit_on_error=False, start=start,
                                  exclusive=exclusive, thread=thread)
        return worker


class ComplaintsScreen(NeverClosesTheApp, Screen[ResultT]):
    """A screen of the app. Its workers read through ``self.app.data`` and post messages to it; their failure
    goes to the app's one handler, and never closes the app."""

    app = the_app()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.app.worker_failed(event.worker)
