"""POST /resource_providers and PUT /resource_providers/{uuid}."""

from nova.placement import microversion as mv

_name = {'type': 'string', 'minLength': 1, 'maxLength': 200}
_uuid = {'type': 'string', 'format': 'uuid'}
_nullable_uuid = {'anyOf': [{'type': 'null'}, _uuid]}


def _provider(req, with_uuid):
    props = {'name': _name}
    if with_uuid:
        props['uuid'] = _uuid
    if mv.at_least(req, '1.14'):
        props['parent_provider_uuid'] = _nullable_uuid
    return {'type': 'object', 'properties': props, 'required': ['name'],
            'additionalProperties': False}


def create(req):
    return _provider(req, with_uuid=True)


def update(req):
    return _provider(req, with_uuid=False)
