"""Schema of the os-floating-ips create body (up to 2.35)."""

create = {
    'type': ['object', 'null'],
    'properties': {
        'pool': {'type': ['string', 'null']},
    },
}
