"""A method a resource lacks is 405 for clients that send
Accept: application/json too (not pecan's 406)."""

JSON = {'Accept': 'application/json'}


def test_unsupported_method_is_405_with_json_accept(client):
    for method, path in (('POST', '/v2.1/images'),
                         ('DELETE', '/v2.1/flavors/'),
                         ('PUT', '/v2.1/os-keypairs')):
        resp = client.request(method, path, headers=JSON)
        assert resp.status_int == 405, (method, path, resp.status)


def test_blank_image_id_delete_is_404(client):
    assert client.request('DELETE', '/v2.1/images/',
                          headers=JSON).status_int == 404


def test_json_accept_still_gets_json(client):
    resp = client.request('GET', '/v2.1/extensions', headers={
        'Accept': 'application/json;q=0.9, text/html;q=0.1'})
    assert resp.status_int == 200
    assert resp.content_type == 'application/json'


def test_project_in_url_checks(client):
    # Another project in front of a known resource: 400 as upstream.
    resp = client.request('GET', '/v2.1/other/extensions')
    assert resp.status_int == 400
    assert 'Malformed request URL' in resp.text
    # The caller's own project is optional.
    assert client.request('GET', '/v2.1/demo/extensions').status_int == 200
    # An unknown resource is 404, not a project mismatch.
    assert client.request('GET', '/v2.1/os-nothing/x').status_int == 404
