"""os-instance_usage_audit_log: admin only, every compute host not run,
the period of the time asked for."""

import pytest

from nova import objects


class _Svc:
    def __init__(self, host, binary):
        self.host = host
        self.binary = binary


@pytest.fixture
def services(monkeypatch):
    monkeypatch.setattr(objects.ServiceList, 'get_all', classmethod(
        lambda cls, ctx: [_Svc('c2', 'nova-compute'),
                          _Svc('c1', 'nova-compute'),
                          _Svc('ctl', 'nova-conductor')]))


def test_list_reports_compute_hosts_not_run(client, services):
    resp = client.request('GET', '/v2.1/os-instance_usage_audit_log',
                          token='admin:admin')
    assert resp.status_int == 200
    log = resp.json['instance_usage_audit_logs']
    assert log['hosts_not_run'] == ['c1', 'c2']
    assert log['num_hosts'] == 2 and log['num_hosts_done'] == 0
    assert log['overall_status'] == '0 of 2 hosts done. 0 errors.'


def test_show_period_before_a_time(client, services):
    resp = client.request(
        'GET', '/v2.1/os-instance_usage_audit_log/2024-03-15%2010:00:00',
        token='admin:admin')
    log = resp.json['instance_usage_audit_log']
    assert log['period_beginning'] == '2024-02-01 00:00:00'
    assert log['period_ending'] == '2024-03-01 00:00:00'
    resp = client.request(
        'GET', '/v2.1/os-instance_usage_audit_log/2024-01-15%2010:00:00.5',
        token='admin:admin')
    assert resp.json['instance_usage_audit_log'][
        'period_beginning'] == '2023-12-01 00:00:00'


def test_admin_only_and_bad_time(client, services):
    assert client.request('GET', '/v2.1/os-instance_usage_audit_log'
                          ).status_int == 403
    assert client.request('GET', '/v2.1/os-instance_usage_audit_log/'
                          '2024-01-01%2000:00:00').status_int == 403
    assert client.request('GET', '/v2.1/os-instance_usage_audit_log/'
                          'invalid_time', token='admin:admin'
                          ).status_int == 400
