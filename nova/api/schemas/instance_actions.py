"""Query parameters of GET /servers/{id}/os-instance-actions."""

from nova.api import microversions as mv
from nova.api.schemas import types
from nova.api import validation


def _single(item):
    return {'type': 'array', 'items': item, 'maxItems': 1}


def list_query(version):
    """None before 2.58 (every parameter is ignored); strict after."""
    if version < mv.MV_ACTIONS_PAGING:
        return None
    props = {
        'limit': _single(types.non_negative_integer),
        'marker': _single({'type': 'string'}),
        'changes-since': _single({'type': 'string', 'format': 'date-time'}),
    }
    if version >= mv.MV_CHANGES_BEFORE:
        props['changes-before'] = _single({'type': 'string',
                                           'format': 'date-time'})
    schema = validation.query_schema({}, strict=True)
    schema['properties'] = props
    return schema
