"""The openstack CLI, novaclient and openstacksdk on quotas, limits and
usage against a running deployment."""

import pytest

from tests import conftest
from tests.integration.test_clients import _openstack_exe
from tests.integration.test_clients import openstack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

PROJECT = 'admin'


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
        tmp_path_factory.mktemp('quotas-cli'), db='sqlite', mode=mode,
        computes=('qa1',))
    try:
        yield cloud
    finally:
        cleanup()


def _compute_quota(cloud, *extra):
    rows = openstack(cloud, 'quota', 'show', '--compute', *extra)
    if isinstance(rows, list):
        return {r['Resource']: r['Limit'] for r in rows}
    return rows


@pytest.mark.skip(reason='openstack quota looks the project up in the '
                  'identity service, which a noauth2 deployment lacks')
def test_openstack_quota_show_set_and_defaults(cloud):
    shown = _compute_quota(cloud, PROJECT)
    assert shown['instances'] == 10
    openstack(cloud, 'quota', 'set', '--instances', '7', PROJECT,
              parse=False)
    assert _compute_quota(cloud, PROJECT)['instances'] == 7
    assert _compute_quota(cloud, '--default', PROJECT)['instances'] == 10
    cloud.request('DELETE', '/os-quota-sets/%s' % PROJECT, expect=202)
    assert _compute_quota(cloud, PROJECT)['instances'] == 10


def test_openstack_limits_and_usage(cloud):
    rows = openstack(cloud, 'limits', 'show', '--absolute')
    limits = {r['Name']: r['Value'] for r in rows}
    # The client renames some limits (e.g. maxTotalInstances).
    assert 10 in limits.values() and 51200 in limits.values(), limits
    # "usage show --project" looks the project up in the identity service,
    # which a noauth2 deployment lacks; "usage list" does not need it.
    assert isinstance(openstack(cloud, 'usage', 'list'), list)


def test_novaclient_and_sdk_quota_show(cloud):
    from novaclient import client as nova_client
    from nova.local import clients
    session = clients.keystone_session(cloud.settings)
    nova = nova_client.Client(conftest.MICROVERSION, session=session)
    quotas = nova.quotas.get(PROJECT)
    assert quotas.instances == 10
    assert nova.quotas.defaults(PROJECT).cores == 20
    assert nova.limits.get().to_dict()['absolute']['maxTotalCores'] == 20
    try:
        import openstack as sdk
    except ImportError:
        pytest.skip('openstacksdk is not installed')
    conn = sdk.connection.Connection(session=session,
                                     compute_api_version='2')
    if not hasattr(conn.compute, 'get_quota_set'):
        pytest.skip('this openstacksdk has no compute.get_quota_set')
    quota_set = conn.compute.get_quota_set(PROJECT)
    assert quota_set.instances == 10
