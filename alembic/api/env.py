"""Alembic environment of the API database.

nova.db.migration drives this with a Config built in code; the URL (or an
open connection, under ``config.attributes['connection']``) comes from
there. Running ``alembic -c alembic/api/alembic.ini`` by hand also works
when sqlalchemy.url is given with ``-x url=...``.
"""

from alembic import context

from nova.db import alembic_chains
from nova.db.api import models

alembic_chains.run_env(context, 'api', models.BASE.metadata)
