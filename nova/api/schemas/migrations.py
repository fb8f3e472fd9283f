"""Query parameters of GET /os-migrations."""

from nova.api import microversions as mv
from nova.api.schemas import types
from nova.api import validation


def list_query(version):
    """Loose before 2.59; strict with paging and changes-since from
    2.59, changes-before from 2.66, user_id and project_id from 2.80."""
    props = {name: {'type': 'string'} for name in (
        'hidden', 'host', 'instance_uuid', 'source_compute', 'status',
        'migration_type')}
    if version < mv.MV_MIGRATIONS_PAGING:
        return validation.query_schema(props)
    props.update(limit=types.non_negative_integer,
                 marker={'type': 'string'},
                 **{'changes-since': {'type': 'string',
                                      'format': 'date-time'}})
    if version >= mv.MV_CHANGES_BEFORE:
        props['changes-before'] = {'type': 'string', 'format': 'date-time'}
    if version >= mv.MV_MIGRATIONS_USER:
        props.update(user_id={'type': 'string'},
                     project_id={'type': 'string'})
    return validation.query_schema(props, strict=True)
