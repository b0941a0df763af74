"""A big import on two cores: a second process reads and plans the file while this one writes.

Reading, checking and building the rows of a 100,000-row register costs about as much as writing
them, so on SQLite a forked child runs the plan (``store.register.plan``) on a read connection of
its own and sends each batch of rows down a pipe; the parent executes them in its write transaction.
The child starts reading the file at once, while the parent is still opening the database, but
reads the database only once the parent holds that transaction, so it sees the database as it was.
The parent alone decides to commit. If either process dies, the pipe closes and the other stops: the
parent rolls back (nothing written), the child exits (it never wrote).
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import pickle
import queue
import signal
import threading
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from domain.config import Config
from store.register.bulk import collector_paused
from store.register.files import RegisterFile, RegisterFileError, read_chunks
from store.register.plan import ImportPlan, Message, Who, plan_chunks
from store.views.digest import stored_calendar

#: Files smaller than this are planned in-process: forking costs more than it saves.
WORKER_FROM_BYTES = 1_000_000
#: Rows per batch down the pipe: small enough that the writer starts early and finishes soon after.
PIPE_BATCH = 5_000


def worker_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def worth_a_worker(url: str, path: Path) -> bool:
    """Whether to plan ``path`` in a second process: a big file, into SQLite, where fork exists."""
    return url.startswith("sqlite") and path.stat().st_size >= WORKER_FROM_BYTES and worker_available()


class PlanningChild:
    """A forked child that reads and checks a register file from the moment it starts, and plans it
    against the database once the writer holds its transaction and says where (``messages``).

    Started before the database is opened, it reads while the writer loads SQLAlchemy and creates
    or migrates the tables.
    """

    def __init__(self, path: Path, where: dict[str, int], today: date, who: Who, config: Config) -> None:
        context = multiprocessing.get_context("fork")
        self.who = who
        self.receive, send = context.Pipe(duplex=False)
        go, self.go = context.Pipe(duplex=False)
        _widen(self.receive.fileno())
        self.child = context.Process(target=_plan, args=(send, self.receive, go, self.go, path, where, today, who,
                                                         config),
                                     daemon=True, name="complaints import planner")
        self.child.start()
        send.close()  # the child holds the only sending end: its exit ends the pipe
        go.close()

    def messages(self, url: str) -> Iterator[Message]:
        """Tell the child the database to plan against (the write transaction is open by now); its messages."""
        try:
            with suppress(BrokenPipeError):  # the child stopped reading ahead (a file it cannot read): it said why
                self.go.send(url)
            while True:
                try:
                    message = self.receive.recv()
                except EOFError:
                    raise RuntimeError("the import's reading process stopped before it finished") from None
                if message[0] == "failed":
                    raise (RegisterFileError if message[1] == "file" else RuntimeError)(message[2])
                yield message
                if message[0] == "done":
                    return
        finally:
            self.close()

    def close(self) -> None:
        """End the child, whatever it was doing: with its pipes closed, it stops at its next step."""
        self.go.close()
        self.receive.close()
        self.child.join(timeout=10)
        if self.child.is_alive():
            self.child.kill()
            self.child.join()


def _read_only(url: str) -> str:
    """The child's SQLite URL, read-only. A forked child that closes a writable connection can decide
    that it is the file's last user (POSIX locks are not inherited), checkpoint and delete the WAL and
    shared-memory files under the writer: the writer's next connection then fails ("disk I/O error").
    A read-only connection never checkpoints or deletes them."""
    from store.db.location import sqlite_path

    path = sqlite_path(url)
    return url if path is None else f"sqlite:///file:{path}?mode=ro&uri=true"


def _widen(pipe: int) -> None:
    """Let the pipe hold a megabyte where Linux allows (64 KB by default): fewer waits on either side."""
    try:
        import fcntl

        if hasattr(fcntl, "F_SETPIPE_SZ"):
            fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, OSError):  # no fcntl (Windows), or above the system's limit: the default will do
        pass


def _plan(send: Any, receive: Any, go: Any, go_send: Any, path: Path, where: dict[str, int], today: date,
          who: Who, config: Config) -> None:
    """The child: read ahead until told the database, then plan and send everything down the pipe.

    It never writes to the database.
    """
    # Whatever the parent left for its collector (an engine's SQLite connections, say) is never collected
    # here: closing an inherited connection would checkpoint the database and delete its WAL under the
    # parent ("disk I/O error" at the parent's next query).
    gc.freeze()
    receive.close()  # the parent's ends, inherited: held open here, a dead parent would never break the pipe
    go_send.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle: its exit stops this one
    outbox = _Outbox(send)
    try:
        with collector_paused():
            file = RegisterFile(path)
            try:
                chunks = read_chunks(file, today, where)
                ahead = []
                while not go.poll():  # the writer is still opening the database: read on
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    ahead.append(chunk)
                try:
                    url = go.recv()
                except EOFError:
                    return  # the writer gave up (it could not open the database)
                engine = sa.create_engine(_read_only(url), poolclass=NullPool)
                with engine.connect() as conn:
                    # The council's calendar as the database stores it: loading the holiday library
                    # here would cost this process, the slower of the two, a tenth of a second.
                    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                    plan = ImportPlan(conn, replace(who, calendar=stored_calendar(cursor, config)), batch=PIPE_BATCH,
                                      sink=lambda sql, rows: outbox.post(("rows", sql, rows)))
                    for message in plan_chunks(plan, itertools.chain(ahead, chunks)):
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
