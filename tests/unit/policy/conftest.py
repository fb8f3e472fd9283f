"""Fixtures of the policy tests."""

import pytest

from nova.api import app as api_app
from nova.api import auth
from tests.unit.policy import personas


@pytest.fixture
def api(monkeypatch):
    # The identity-header context middleware alone (what auth_token feeds
    # in a Keystone deployment), without a token to validate.
    monkeypatch.setitem(auth.STRATEGIES, 'identity-headers',
                        auth.KeystoneContext)
    return personas.Client(api_app.build(auth_strategy='identity-headers'))
