import datetime

from nova import objects
from nova import servicegroup

NOW = datetime.datetime(2026, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


def _service(**kwargs):
    objects.register_all()
    values = dict(host='h', binary='nova-compute', forced_down=False,
                  last_seen_up=None, created_at=NOW, updated_at=NOW)
    values.update(kwargs)
    return objects.Service(**values)


def test_registered_but_never_heartbeated_is_down(conf):
    assert not servicegroup.is_up(_service(), now=NOW)


def test_recent_heartbeat_is_up(conf):
    conf.config(service_down_time=60)
    seen = (NOW - datetime.timedelta(seconds=30)).replace(tzinfo=None)
    assert servicegroup.is_up(_service(last_seen_up=seen), now=NOW)


def test_heartbeat_older_than_service_down_time_is_down(conf):
    conf.config(service_down_time=60)
    seen = NOW - datetime.timedelta(seconds=61)
    assert not servicegroup.is_up(_service(last_seen_up=seen), now=NOW)


def test_forced_down_wins_over_heartbeat(conf):
    assert not servicegroup.is_up(
        _service(last_seen_up=NOW, forced_down=True), now=NOW)
