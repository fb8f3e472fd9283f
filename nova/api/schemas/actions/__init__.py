"""Schemas of the server action bodies (POST /servers/{id}/action), one
module per family of actions, as in nova.api.controllers.actions.

Each schema validates the whole body, ``{name: value}``; a callable one
takes the request's APIVersion.
"""


def action(name, value_schema):
    """The body ``{name: value}`` with ``value`` matching ``value_schema``."""
    return {
        'type': 'object',
        'properties': {name: value_schema},
        'required': [name],
        'additionalProperties': False,
    }


def any_value(name):
    """The body of an action whose value upstream never looks at: null,
    {} (what Tempest sends) or anything else is accepted."""
    return action(name, {})
