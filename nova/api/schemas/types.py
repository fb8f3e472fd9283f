"""Building blocks shared by the request schemas."""

# Accepts integers and their decimal string forms, as the upstream API does.
non_negative_integer = {
    'type': ['integer', 'string'],
    'pattern': '^[0-9]*$',
    'minimum': 0, 'minLength': 1,
}

positive_integer = {
    'type': ['integer', 'string'],
    'pattern': '^[0-9]*$',
    'minimum': 1, 'minLength': 1,
}

boolean = {
    'type': ['boolean', 'string'],
    'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on',
             'YES', 'Yes', 'yes',
             False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off',
             'NO', 'No', 'no'],
}

name = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'format': 'name',
}

description = {
    'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255,
    'pattern': r'^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$',
}

uuid = {'type': 'string', 'format': 'uuid'}

metadata = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}

project_id = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'pattern': '^[a-zA-Z0-9-_]*$',
}

sort_dir = {'type': 'string', 'enum': ['asc', 'desc']}

ip_address = {'type': 'string',
              'oneOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]}

TRUE_STRINGS = ('true', '1', 'on', 'yes', 't', 'y')


def to_bool(value):
    """The boolean a `boolean` value (or query string) stands for."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE_STRINGS
