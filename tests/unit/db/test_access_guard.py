"""A process without a configured connection cannot reach a database."""

import pytest

from nova.db import session as db_session
from nova import exception


def test_cell_session_without_connection_fails_clearly(conf):
    db_session.dispose_all()
    conf.config(connection=None, group='database')
    with pytest.raises(exception.DatabaseNotConfigured) as info:
        with db_session.cell_session():
            pass
    assert 'nova-conductor' in str(info.value)
    assert '[database]' in str(info.value)


def test_api_session_without_connection_fails_clearly(conf):
    db_session.dispose_all()
    conf.config(connection=None, group='api_database')
    with pytest.raises(exception.DatabaseNotConfigured) as info:
        with db_session.api_session():
            pass
    assert '[api_database]' in str(info.value)
