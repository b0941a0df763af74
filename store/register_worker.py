"""A big import on two cores: a second process reads and plans the file while this one writes.

Reading, checking and building the rows of a 100,000-row register costs about as much as writing
them, so on SQLite a forked child runs the plan (``store.register_plan``) on a read connection of
its own and sends each batch of rows down a pipe; the parent executes them in its write transaction,
which it holds from before the child starts, so the child's reads see the database as it was. The
parent alone decides to commit. If either process dies, the pipe closes and the other stops: the
parent rolls back (nothing written), the child exits (it never wrote).
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue
import signal
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from store.bulk import collector_paused
from store.register_files import RegisterFile, RegisterFileError
from store.register_plan import ImportPlan, Message, Who, plan_file

#: Files smaller than this are planned in-process: forking costs more than it saves.
WORKER_FROM_BYTES = 1_000_000
#: Rows per batch down the pipe: small enough that the writer starts early and finishes soon after.
PIPE_BATCH = 5_000


def worker_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def planned_in_worker(url: str, path: Path, where: dict[str, int], today: date, who: Who) -> Iterator[Message]:
    """The plan's messages, row batches included, as a forked child makes them."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    _widen(receive.fileno())
    child = context.Process(target=_plan, args=(send, receive, url, path, where, today, who), daemon=True,
                            name="complaints import planner")
    child.start()
    send.close()  # the child holds the only sending end: its exit ends the pipe
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise RuntimeError("the import's reading process stopped before it finished") from None
            if message[0] == "failed":
                raise (RegisterFileError if message[1] == "file" else RuntimeError)(message[2])
            yield message
            if message[0] == "done":
                return
    finally:
        receive.close()  # a child still sending gets a broken pipe and stops
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
            child.join()


def _widen(pipe: int) -> None:
    """Let the pipe hold a megabyte where Linux allows (64 KB by default): fewer waits on either side."""
    try:
        import fcntl

        if hasattr(fcntl, "F_SETPIPE_SZ"):
            fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, OSError):  # no fcntl (Windows), or above the system's limit: the default will do
        pass


def _plan(send: Any, receive: Any, url: str, path: Path, where: dict[str, int], today: date, who: Who) -> None:
    """The child: plan the file and send everything down the pipe; never write to the database."""
    receive.close()  # the parent's end, inherited: held open here, a dead parent would never break the pipe
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle: its exit stops this one
    outbox = _Outbox(send)
    try:
        with collector_paused():
            engine = sa.create_engine(url, poolclass=NullPool)
            file = RegisterFile(path)
            try:
                with engine.connect() as conn:
                    plan = ImportPlan(conn, who, sink=lambda sql, rows: outbox.post(("rows", sql, rows)),
                                      batch=PIPE_BATCH)
                    for message in plan_file(plan, file, where, today):
                        outbox.post(message)
            finally:
                file.close()
    except BrokenPipeError:
        return  # the writer is gone, and with it the transaction
    except RegisterFileError as exc:
        outbox.post(("failed", "file", str(exc)))
    except Exception as exc:  # noqa: BLE001 - reported by name only: a message could quote a cell
        outbox.post(("failed", "error", f"the import stopped: {type(exc).__name__} while reading the file"))
    finally:
        outbox.close()


class _Outbox:
    """Sends pickled messages from a thread, so planning goes on while the writer is busy.

    A pipe holds 64 KB and a batch of rows is several hundred: sent from the planning thread, each
    batch would wait for the writer to finish the one before, and the two processes would take turns
    instead of working at once.
    """

    def __init__(self, send: Any) -> None:
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=32)
        self.broken = threading.Event()
        self.thread = threading.Thread(target=self._send_all, args=(send,), daemon=True)
        self.thread.start()

    def post(self, message: Message) -> None:
        if self.broken.is_set():
            raise BrokenPipeError()
        self.queue.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()

    def _send_all(self, send: Any) -> None:
        while (blob := self.queue.get()) is not None:
            if not self.broken.is_set():
                try:
                    send.send_bytes(blob)
                except OSError:  # the writer is gone: keep taking messages so the planner never waits
                    self.broken.set()
