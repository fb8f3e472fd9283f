"""The openstack CLI on aggregates, server groups and availability zones
against a running deployment (two compute hosts)."""

import uuid

import pytest

from tests import conftest
from tests.integration.test_clients import _openstack_exe
from tests.integration.test_clients import openstack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    from nova.local import deployment
    from nova.local import probe
    if _openstack_exe() is None:
        pytest.skip('python-openstackclient is not installed')
    mode = (deployment.MODE_PROCESSES
            if probe.rabbit_answers(conftest.RABBIT_URL)
            else deployment.MODE_INPROCESS)
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('aggregates'), db='sqlite', mode=mode,
        computes=('ag1', 'ag2'))
    try:
        yield cloud
    finally:
        cleanup()


def test_aggregate_lifecycle_and_zones(cloud):
    name = 'agg-%s' % uuid.uuid4().hex[:6]
    created = openstack(cloud, 'aggregate', 'create', '--zone', 'az-it',
                        name)
    assert created['name'] == name
    assert created['availability_zone'] == 'az-it'

    added = openstack(cloud, 'aggregate', 'add', 'host', name, 'ag1')
    assert added['hosts'] == ['ag1']
    openstack(cloud, 'aggregate', 'set', '--property', 'ssd=true', name,
              parse=False)
    shown = openstack(cloud, 'aggregate', 'show', name)
    assert shown['hosts'] == ['ag1']
    assert shown['properties'] == {'ssd': 'true'}
    assert name in [a['Name'] for a in openstack(cloud, 'aggregate',
                                                  'list')]

    zones = {z['Zone Name']: z['Zone Status'] for z in openstack(
        cloud, 'availability', 'zone', 'list', '--compute')}
    assert zones.get('az-it') == 'available'
    assert zones.get('nova') == 'available'   # ag2 is in no zone

    openstack(cloud, 'aggregate', 'remove', 'host', name, 'ag1')
    openstack(cloud, 'aggregate', 'delete', name, parse=False)
    assert name not in [a['Name'] for a in openstack(cloud, 'aggregate',
                                                      'list')]


def test_server_group_lifecycle(cloud):
    name = 'sg-%s' % uuid.uuid4().hex[:6]
    group = openstack(cloud, 'server', 'group', 'create', '--policy',
                      'anti-affinity', name)
    assert group['name'] == name
    assert 'anti-affinity' in str(group.get('policy',
                                            group.get('policies')))
    shown = openstack(cloud, 'server', 'group', 'show', name)
    assert shown['id'] == group['id']
    assert name in [g['Name'] for g in openstack(cloud, 'server', 'group',
                                                  'list')]
    openstack(cloud, 'server', 'group', 'delete', name, parse=False)
    assert name not in [g['Name'] for g in openstack(
        cloud, 'server', 'group', 'list')]
