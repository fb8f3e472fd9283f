"""Request bodies of /servers/{id}/tags (2.26) and tags on create (2.52)."""

MAX_TAGS = 50

tag = {
    'type': 'string',
    'minLength': 1, 'maxLength': 60,
    'pattern': '^[^,/]*$',
}

tags = {'type': 'array', 'items': tag, 'maxItems': MAX_TAGS}

update_all = {
    'type': 'object',
    'properties': {'tags': tags},
    'required': ['tags'],
    'additionalProperties': False,
}
