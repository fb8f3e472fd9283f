"""Query parameters of GET /limits."""

from nova.api import validation

show_query = validation.query_schema({'tenant_id': {'type': 'string'},
                                      'reserved': {'type': 'string'}})
