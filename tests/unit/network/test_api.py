"""The security groups a server asked for, as the network API, the
metadata service and the config drive read them."""

import types

import pytest

from nova.network import api as network_api


@pytest.mark.parametrize('stored,expected', [
    (None, []),
    ('', []),
    ('["web", "db"]', ['web', 'db']),
    ('["default"]', ['default']),
    ('not json', []),
    ('{"web": 1}', []),
])
def test_security_groups_asked_for(stored, expected):
    sysmeta = {} if stored is None else {
        network_api.SECURITY_GROUPS_KEY: stored}
    instance = types.SimpleNamespace(system_metadata=sysmeta)
    assert network_api.security_groups_asked_for(instance) == expected
