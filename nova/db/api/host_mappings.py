"""Host mapping removal (API database), used when a compute service is
deleted."""

import sqlalchemy as sa

from nova.db.api import models
from nova.db import session as db_session
from nova import exception


def host_mapping_destroy(host):
    with db_session.api_session() as s:
        count = s.execute(sa.delete(models.HostMapping).where(
            models.HostMapping.host == host)).rowcount
        if not count:
            raise exception.HostMappingNotFound(name=host)
