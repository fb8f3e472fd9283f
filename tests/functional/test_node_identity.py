"""A compute whose node record was lost while its resource provider stayed
in placement (a first start cut short, a record written through another
deployment's conductor) comes back as the same node: boots land on it.

One deployment (real processes over RabbitMQ, SQLite) with one fake
compute host, so a boot has nowhere else to go.
"""

import pytest
import sqlalchemy as sa

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(600)]

HOST = 'ni1'


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('node-identity'), computes=(HOST,),
        extra_conf=conftest.UNLIMITED_QUOTA)
    try:
        yield cloud
    finally:
        cleanup()


def _providers(cloud):
    return {p['name']: p['uuid'] for p in cloud.placement(
        'GET', '/resource_providers', expect=200).json()[
            'resource_providers']}


def _hypervisors(cloud):
    return {h['hypervisor_hostname']: h['id'] for h in cloud.get(
        '/os-hypervisors', headers={
            'OpenStack-API-Version': 'compute 2.53'})['hypervisors']}


def test_restart_after_lost_node_record_still_boots(cloud):
    first = cloud.wait_for('the node in placement',
                           lambda: _providers(cloud).get(HOST))
    assert _hypervisors(cloud)[HOST] == first

    # The record goes, the provider stays.
    assert cloud.dep.stop_process('nova-compute-' + HOST, timeout=30)
    engine = sa.create_engine(cloud.settings.cell1_db_url())
    try:
        with engine.begin() as conn:
            conn.execute(sa.text('DELETE FROM compute_nodes'))
    finally:
        engine.dispose()
    assert _hypervisors(cloud) == {}

    cloud.dep.start_process('nova-compute-' + HOST)
    again = cloud.wait_for('the node record made again',
                           lambda: _hypervisors(cloud).get(HOST),
                           timeout=90)
    assert again == first
    assert _providers(cloud) == {HOST: first}

    flavor = cloud.create_flavor('ni.tiny', vcpus=1, ram=64, disk=1)
    image_id = cloud.import_image('ni-image')
    server = cloud.boot('ni-vm', flavor['id'], image_id)['server']
    active = cloud.wait_status(server['id'], 'ACTIVE', timeout=120)
    assert active['OS-EXT-SRV-ATTR:host'] == HOST
