"""Private flavors over a real API database: a project without access
finds no trace of them on any flavor path, nor can it boot or resize
with one."""

import pytest

from tests.unit.conftest import make_flavor

PRIVATE = 'priv-1'
SHARED = 'alpha:alpha'          # a member of the project given access
OTHER = 'beta:beta'             # a member of a project without access
ADMIN = 'admin:admin'


@pytest.fixture
def private(world):
    flavor = make_flavor(world.ctx, name='private', flavorid=PRIVATE,
                         is_public=False, root_gb=1)
    flavor.save_extra_specs(to_add={'hw:cpu_policy': 'dedicated'})
    flavor.add_access('alpha')
    return flavor


def _ids(client, path, token):
    resp = client.request('GET', path, token=token)
    assert resp.status_int == 200, resp.text
    return [f['id'] for f in resp.json['flavors']]


def test_show_is_404_for_a_project_without_access(client, private):
    resp = client.request('GET', '/v2.1/flavors/%s' % PRIVATE, token=OTHER)
    assert resp.status_int == 404, resp.text
    assert resp.json == {'itemNotFound': {
        'code': 404, 'message': 'Flavor %s could not be found.' % PRIVATE}}
    for token in (SHARED, ADMIN):
        resp = client.request('GET', '/v2.1/flavors/%s' % PRIVATE,
                              token=token)
        assert resp.status_int == 200, (token, resp.text)


def test_lists_show_private_flavor_only_to_its_projects(client, private):
    for path in ('/v2.1/flavors', '/v2.1/flavors/detail',
                 '/v2.1/flavors?is_public=none',
                 '/v2.1/flavors/detail?is_public=false'):
        assert PRIVATE not in _ids(client, path, OTHER), path
        assert PRIVATE in _ids(client, path, SHARED), path
    assert PRIVATE in _ids(client, '/v2.1/flavors?is_public=false', ADMIN)


def test_list_marker_of_hidden_flavor_is_400(client, private):
    resp = client.request('GET', '/v2.1/flavors?marker=%s' % PRIVATE,
                          token=OTHER)
    assert resp.status_int == 400, resp.text


def test_extra_specs_are_404_for_a_project_without_access(client, private):
    base = '/v2.1/flavors/%s/os-extra_specs' % PRIVATE
    for path in (base, base + '/hw:cpu_policy'):
        resp = client.request('GET', path, token=OTHER)
        assert resp.status_int == 404, (path, resp.text)
        assert 'itemNotFound' in resp.json
        resp = client.request('GET', path, token=SHARED)
        assert resp.status_int == 200, (path, resp.text)


def test_access_list_is_admin_only(client, private):
    path = '/v2.1/flavors/%s/os-flavor-access' % PRIVATE
    for token in (OTHER, SHARED):
        resp = client.request('GET', path, token=token)
        assert resp.status_int == 403, (token, resp.text)
    resp = client.request('GET', path, token=ADMIN)
    assert resp.json == {'flavor_access': [
        {'flavor_id': PRIVATE, 'tenant_id': 'alpha'}]}


def test_boot_with_private_flavor_without_access_is_400(client, private):
    body = {'server': {'name': 'vm', 'flavorRef': PRIVATE,
                       'imageRef': '155d900f-4e14-4e4c-a73d-069cbf4541e6'}}
    resp = client.request('POST', '/v2.1/servers', body=body, token=OTHER)
    assert resp.status_int == 400, resp.text
    assert resp.json['badRequest']['message'] == 'Invalid flavorRef provided.'
    # The project given access gets past the flavor (to whatever the
    # rest of the request meets).
    resp = client.request('POST', '/v2.1/servers', body=body, token=SHARED)
    assert 'Invalid flavorRef' not in resp.text


def test_resize_to_private_flavor_without_access_is_400(client, world,
                                                        private):
    server = world.server(project='beta', user='beta')
    resp = client.request(
        'POST', '/v2.1/servers/%s/action' % server.uuid, token=OTHER,
        body={'resize': {'flavorRef': PRIVATE}})
    assert resp.status_int == 400, resp.text
    assert resp.json['badRequest']['message'] == (
        'Unable to locate requested flavor.')
