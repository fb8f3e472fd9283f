import json

import pytest

from nova.scheduler.filters import json_filter
from tests.unit.scheduler import fakes


def _passes(query, **host_kwargs):
    host = fakes.host(**host_kwargs)
    hints = {} if query is None else {'query': [json.dumps(query)]}
    return fakes.passes(json_filter.JsonFilter(), host,
                        fakes.spec(hints=hints))


def test_no_query_passes():
    assert _passes(None)


@pytest.mark.parametrize('query,expected', [
    (['>=', '$free_ram_mb', 1024], True),
    (['>=', '$free_ram_mb', 999999], False),
    (['<', '$free_ram_mb', 999999], True),
    (['>', '$vcpus_total', 8], False),
    (['<=', '$vcpus_total', 8], True),
    (['=', '$host', 'host1'], True),
    (['=', '$host', 'other'], False),
    (['in', '$host', 'h0', 'host1'], True),
    (['in', '$host', 'h0', 'h2'], False),
    (['not', ['=', '$host', 'host1']], False),
    (['not', ['=', '$host', 'other']], True),
    (['or', ['=', '$host', 'other'], ['>', '$free_ram_mb', 0]], True),
    (['and', ['=', '$host', 'other'], ['>', '$free_ram_mb', 0]], False),
    (['and', ['>=', '$free_ram_mb', 1024],
      ['>=', '$free_disk_mb', 200 * 1024]], True),
    (['=', '$stats.tier', 'gold'], True),
    (['=', '$stats.tier', 'silver'], False),
    (['=', '$nope', 1], False),
    ([], True),
])
def test_queries(query, expected):
    assert _passes(query, extra={'stats': {'tier': 'gold'}}) is expected


def test_unknown_operator_raises():
    with pytest.raises(KeyError):
        _passes(['~', '$host', 'x'])
