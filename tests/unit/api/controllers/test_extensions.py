"""/extensions: the fixed list and one by alias."""


def test_list_has_the_names_clients_look_for(client):
    resp = client.request('GET', '/v2.1/extensions')
    assert resp.status_int == 200
    names = {e['name'] for e in resp.json['extensions']}
    assert {'Hosts', 'Servers', 'Keypairs'} <= names
    for ext in resp.json['extensions']:
        assert set(ext) == {'alias', 'name', 'description', 'namespace',
                            'updated', 'links'}


def test_show_by_alias_and_404(client):
    resp = client.request('GET', '/v2.1/extensions/os-consoles')
    assert resp.json['extension']['alias'] == 'os-consoles'
    assert client.request('GET',
                          '/v2.1/extensions/nope').status_int == 404
    resp = client.request('GET', '/v2.1/demo/extensions/os-consoles')
    assert resp.status_int == 200
