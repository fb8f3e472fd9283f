"""Alembic environment of the placement database.

nova.placement.db.migration drives this with a Config built in code; run
by hand, give the URL with ``-x url=...``.
"""

from alembic import context

from nova.db import alembic_chains
from nova.placement.db import models

alembic_chains.run_env(context, 'placement', models.BASE.metadata)
