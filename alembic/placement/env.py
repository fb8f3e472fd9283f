"""Alembic environment of the placement database.

nova.placement.db.migration drives this with a Config built in code; run
by hand, give the URL with ``-x url=...``.
"""

from alembic import context

from nova.placement.db import migration

migration.run_env(context)
