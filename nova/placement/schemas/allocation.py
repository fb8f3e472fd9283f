"""PUT /allocations/{consumer_uuid} and POST /allocations (1.13)."""

from nova.placement import microversion as mv

_resources = {'type': 'object', 'minProperties': 1,
              'patternProperties': {'^[0-9A-Z_]+$': {'type': 'integer',
                                                     'minimum': 1}},
              'additionalProperties': False}
_owner = {'type': 'string', 'minLength': 1, 'maxLength': 255}
_consumer_type = {'type': 'string', 'pattern': '^[A-Z0-9_]+$',
                  'maxLength': 255}
_generation = {'type': ['integer', 'null']}

# Before 1.12: a list of {"resource_provider": {"uuid"}, "resources"}.
_list_format = {
    'type': 'array', 'minItems': 1,
    'items': {'type': 'object',
              'properties': {
                  'resource_provider': {
                      'type': 'object',
                      'properties': {'uuid': {'type': 'string',
                                              'format': 'uuid'}},
                      'required': ['uuid'], 'additionalProperties': False},
                  'resources': _resources},
              'required': ['resource_provider', 'resources'],
              'additionalProperties': False}}


def _dict_format(allow_empty):
    # From 1.12: a dict keyed by provider uuid.
    schema = {'type': 'object',
              'patternProperties': {
                  '^[0-9a-fA-F-]{32,36}$': {
                      'type': 'object',
                      'properties': {'resources': _resources,
                                     'generation': {'type': 'integer'}},
                      'required': ['resources'],
                      'additionalProperties': False}},
              'additionalProperties': False}
    if not allow_empty:
        schema['minProperties'] = 1
    return schema


def consumer(req, allow_empty):
    """The allocations of one consumer (PUT /allocations/{uuid}); with
    ``allow_empty`` an empty dict of allocations removes them all."""
    props = {'project_id': _owner, 'user_id': _owner}
    required = ['allocations']
    if mv.at_least(req, '1.12'):
        props['allocations'] = _dict_format(allow_empty)
    else:
        props['allocations'] = _list_format
    if mv.at_least(req, '1.8'):
        required += ['project_id', 'user_id']
    if mv.at_least(req, '1.28'):
        props['consumer_generation'] = _generation
        required.append('consumer_generation')
    if mv.at_least(req, '1.38'):
        props['consumer_type'] = _consumer_type
        required.append('consumer_type')
    return {'type': 'object', 'properties': props, 'required': required,
            'additionalProperties': False}


def set_many(req):
    """POST /allocations: the allocations of several consumers by uuid."""
    return {'type': 'object', 'minProperties': 1,
            'patternProperties': {
                '^[0-9a-fA-F-]{32,36}$': consumer(req, allow_empty=True)},
            'additionalProperties': False}
