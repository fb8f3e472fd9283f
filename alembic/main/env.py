"""Alembic environment of the cell databases (cell0 and cell1..N).

nova.db.migration drives this with a Config built in code; the URL (or an
open connection, under ``config.attributes['connection']``) comes from
there. Running ``alembic -c alembic/main/alembic.ini`` by hand also works
when sqlalchemy.url is given with ``-x url=...``.
"""

from alembic import context

from nova.db import alembic_chains
from nova.db.main import models

alembic_chains.run_env(context, 'main', models.BASE.metadata)
