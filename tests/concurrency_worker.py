"""Several processes working on one database at once: `python -m tests.concurrency_worker URL SEED N [MODE]`.

MODE ``edit`` (the default): each edit reads a case's version, then saves with it; a stale save is refused
with ConflictError, counted, and retried with the version read again. Prints {"edits": n, "conflicts": n}.

MODE ``log``: logs N new cases, as an officer at the front desk does; ``import:FILE``: imports the register
FILE (N is unused). Both print "ready" once the database is open and wait for a line on stdin before they
start, so that every process of a test starts at the same moment; then they print
{"references": [...]} (the new cases' references, in order).
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from pathlib import Path

from domain.config import Config
from store.db.database import open_database
from store.lifecycle.base import ConflictError
from store.lifecycle.service import CaseService

REFERENCES = ("CS-2026-00001", "CS-2026-00002", "CS-2026-00003")
OFFICERS = ("Sam Patel", "Kim Lee", "Jo Bloggs")
TODAY = date(2026, 11, 22)


def main() -> None:
    url, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    mode = sys.argv[4] if len(sys.argv) > 4 else "edit"
    config = Config(user=f"officer{seed}")
    db = open_database(url, config)
    if mode == "edit":
        print(json.dumps(_edit(CaseService(db, config, today=TODAY), random.Random(seed), count)))
    else:
        print("ready", flush=True)
        sys.stdin.readline()  # go
        if mode == "log":
            service = CaseService(db, config, today=TODAY)
            references = [service.log("statutory", date(2026, 11, 2 + n % 20), complainant=f"Person {seed}-{n}")
                          for n in range(count)]
        else:
            from store.register.importer import RegisterImport

            result = RegisterImport(db, config, today=TODAY).import_file(Path(mode.removeprefix("import:")))
            references = result.created
        print(json.dumps({"references": references}))
    db.close()


def _edit(service: CaseService, rng: random.Random, edits: int) -> dict[str, int]:
    done = conflicts = 0
    while done < edits:
        reference = rng.choice(REFERENCES)
        version = service.clock(reference).version
        try:
            service.assign_officer(reference, rng.choice(OFFICERS), expected_version=version)
            done += 1
        except ConflictError:
            conflicts += 1
    return {"edits": done, "conflicts": conflicts}


if __name__ == "__main__":
    main()
