"""The commands of ``complaints``, a module for each group; ``cli`` registers them on its app.

Each command is thin: it checks its options, opens the database (``cli.opened``), calls the store, and
hands what it gets to a layout of ``reports/`` or says it in a line. It imports what it needs when it
runs, so that starting a command stays quick (``due`` runs from cron against a 0.25 s budget).

- ``digest``: due
- ``setup``: demo, config
- ``figures``: summary, export (the year-end tables; ``export --register`` is the register's)
- ``register``: import, and export --register
- ``cases``: history, correct, delete, person
- ``documents``: attach, document, intake
- ``safekeeping``: migrate, backup, restore, retention, copy
"""

import cli  # noqa: F401  - first: the commands' options are cli's, and cli registers them (whichever is imported first)
