"""Query parameters of GET /os-simple-tenant-usage and
/os-simple-tenant-usage/{project_id}."""

from nova.api.schemas import types
from nova.api import validation

# Before 2.40.
query = validation.query_schema({
    'start': {'type': 'string'},
    'end': {'type': 'string'},
    'detailed': {'type': 'string'},
})

# 2.40: paging.
query_paging = validation.query_schema({
    'start': {'type': 'string'},
    'end': {'type': 'string'},
    'detailed': {'type': 'string'},
    'limit': types.non_negative_integer,
    'marker': {'type': 'string'},
})
