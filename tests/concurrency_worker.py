"""One of several processes editing the same cases at once: `python -m tests.concurrency_worker URL SEED EDITS`.

Each edit reads a case's version, then saves with it; a stale save is refused with ConflictError,
counted, and retried with the version read again. Prints {"edits": n, "conflicts": n} as JSON.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date

from domain.config import Config
from store.database import open_database
from store.service import CaseService
from store.service_base import ConflictError

REFERENCES = ("CS-2026-00001", "CS-2026-00002", "CS-2026-00003")
OFFICERS = ("Sam Patel", "Kim Lee", "Jo Bloggs")


def main() -> None:
    url, seed, edits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    config = Config(user=f"officer{seed}")
    db = open_database(url, config)
    service = CaseService(db, config, today=date(2026, 11, 22))
    rng = random.Random(seed)
    done = conflicts = 0
    while done < edits:
        reference = rng.choice(REFERENCES)
        version = service.clock(reference).version
        try:
            service.assign_officer(reference, rng.choice(OFFICERS), expected_version=version)
            done += 1
        except ConflictError:
            conflicts += 1
    db.close()
    print(json.dumps({"edits": done, "conflicts": conflicts}))


if __name__ == "__main__":
    main()
