"""Request body of POST /servers/{id}/os-volume_attachments."""

from nova.api.schemas import types

create = {
    'type': 'object',
    'properties': {'volumeAttachment': {
        'type': 'object',
        'properties': {
            'volumeId': types.uuid,
            'device': {'type': ['string', 'null'],
                       'pattern': '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)'
                                  '[0-9]*$'},
            'tag': {'type': 'string', 'minLength': 1, 'maxLength': 60,
                    'pattern': '^[^,/]*$'},
            'delete_on_termination': types.boolean,
        },
        'required': ['volumeId'],
        'additionalProperties': False,
    }},
    'required': ['volumeAttachment'],
    'additionalProperties': False,
}
