"""The real clients at explicit microversions: the openstack CLI up to
2.104 (pinned zone update), novaclient at its newest version and
openstacksdk negotiating its own, against one deployment."""

import uuid

import pytest

from tests import conftest
from tests.integration.test_clients import cloud  # noqa: F401 (fixture)
from tests.integration.test_clients import openstack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


@pytest.fixture(scope='module')
def flavor(cloud):  # noqa: F811
    name = 'it.mv-%s' % uuid.uuid4().hex[:6]
    openstack(cloud, 'flavor', 'create', '--vcpus', '1', '--ram', '128',
              '--disk', '1', name)
    return name


@pytest.fixture(scope='module')
def server(cloud, flavor):  # noqa: F811
    name = 'mv-%s' % uuid.uuid4().hex[:6]
    created = openstack(cloud, '--os-compute-api-version', '2.100',
                        'server', 'create', '--flavor', flavor,
                        '--image', 'cirros-ish', '--no-network',
                        '--availability-zone', 'nova',
                        '--hint', 'group_name=ignored',
                        '--wait', name)
    assert created['status'] == 'ACTIVE'
    return created


def test_cli_show_at_2_100(cloud, server):  # noqa: F811
    shown = openstack(cloud, '--os-compute-api-version', '2.100', 'server',
                      'show', server['id'])
    assert shown['pinned_availability_zone'] == 'nova'
    assert shown['scheduler_hints'] == {'group_name': ['ignored']}
    assert shown['locked'] is False
    # 2.47: the flavor is embedded; 2.98: the image carries properties.
    assert shown['flavor']['original_name'].startswith('it.mv-')


def test_cli_unpin_and_repin_zone_at_2_104(cloud, server):  # noqa: F811
    openstack(cloud, '--os-compute-api-version', '2.104', 'server', 'unset',
              '--pinned-availability-zone', server['id'], parse=False)
    shown = openstack(cloud, '--os-compute-api-version', '2.104', 'server',
                      'show', server['id'])
    assert shown['pinned_availability_zone'] is None
    openstack(cloud, '--os-compute-api-version', '2.104', 'server', 'set',
              '--pinned-availability-zone', 'nova', server['id'],
              parse=False)
    shown = openstack(cloud, '--os-compute-api-version', '2.104', 'server',
                      'show', server['id'])
    assert shown['pinned_availability_zone'] == 'nova'


def test_novaclient_at_its_newest_version(cloud, server):  # noqa: F811
    import novaclient
    from novaclient import client as nova_client
    from nova.local import clients
    version = novaclient.API_MAX_VERSION.get_string()
    nova = nova_client.Client(version, session=clients.keystone_session(
        cloud.settings))
    got = nova.servers.get(server['id']).to_dict()
    assert got['id'] == server['id']
    assert got['OS-EXT-SRV-ATTR:hostname']
    assert 'locked_reason' in got and 'server_groups' in got
    assert nova.versions.get_current().version == conftest.mv_max()


def test_openstacksdk_negotiates_and_reads_new_fields(cloud, server):  # noqa
    import openstack as sdk
    from nova.local import clients
    conn = sdk.connection.Connection(
        session=clients.keystone_session(cloud.settings),
        compute_api_version='2')
    got = conn.compute.get_server(server['id'])
    assert got.id == server['id']
    assert got.pinned_availability_zone == 'nova'
    assert got.scheduler_hints == {'group_name': ['ignored']}
