"""Query parameters of the images proxy (GET /images and /images/detail,
until 2.35)."""

from nova.api.schemas import types
from nova.api import validation

list_query = validation.query_schema({
    'limit': types.non_negative_integer,
    'marker': {'type': 'string'},
    'name': {'type': 'string'},
    'status': {'type': 'string'},
    'minRam': {'type': 'string'},
    'minDisk': {'type': 'string'},
    'server': {'type': 'string'},
    'type': {'type': 'string'},
    'changes-since': {'type': 'string'},
})
