"""os-keypairs over a real API database."""

import pytest

from nova.compute import keypairs as keypair_api

PUBLIC = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhZ6Bg1Gm4Hh1d1pDLKfL0aE0o'
          'H0k8f1wN6Hn4iK+Fa test@example')


def test_generate_ssh_key_201_with_private_key(client, world):
    resp = client.request('POST', '/v2.1/os-keypairs', version='2.2',
                          body={'keypair': {'name': 'k1'}})
    assert resp.status_int == 201, resp.text
    kp = resp.json['keypair']
    assert set(kp) == {'name', 'public_key', 'fingerprint', 'user_id',
                       'private_key', 'type'}
    assert kp['public_key'].startswith('ssh-rsa ')
    assert 'PRIVATE KEY' in kp['private_key']
    assert kp['type'] == 'ssh' and kp['user_id'] == 'demo'
    assert len(kp['fingerprint'].split(':')) == 16


def test_create_is_200_at_2_1_and_type_hidden(client, world):
    resp = client.request('POST', '/v2.1/os-keypairs',
                          body={'keypair': {'name': 'k1'}})
    assert resp.status_int == 200
    assert 'type' not in resp.json['keypair']


def test_import_list_show_delete(client, world):
    resp = client.request('POST', '/v2.1/os-keypairs', version='2.92',
                          body={'keypair': {'name': 'me@host.x',
                                            'public_key': PUBLIC}})
    assert resp.status_int == 201, resp.text
    assert 'private_key' not in resp.json['keypair']
    assert resp.json['keypair']['fingerprint'] == \
        keypair_api.ssh_fingerprint(PUBLIC)
    resp = client.request('GET', '/v2.1/os-keypairs', version='2.92')
    assert resp.json == {'keypairs': [{'keypair': {
        'name': 'me@host.x', 'public_key': PUBLIC, 'type': 'ssh',
        'fingerprint': keypair_api.ssh_fingerprint(PUBLIC)}}]}
    resp = client.request('GET', '/v2.1/os-keypairs/me@host.x',
                          version='2.92')
    kp = resp.json['keypair']
    assert kp['deleted'] is False and kp['deleted_at'] is None
    assert kp['user_id'] == 'demo' and isinstance(kp['id'], int)
    resp = client.request('DELETE', '/v2.1/os-keypairs/me@host.x',
                          version='2.92')
    assert resp.status_int == 204
    resp = client.request('GET', '/v2.1/os-keypairs/me@host.x')
    assert resp.status_int == 404


def test_delete_is_202_at_2_1(client, world):
    client.request('POST', '/v2.1/os-keypairs',
                   body={'keypair': {'name': 'k', 'public_key': PUBLIC}})
    assert client.request('DELETE',
                          '/v2.1/os-keypairs/k').status_int == 202


def test_2_92_requires_public_key(client, world):
    resp = client.request('POST', '/v2.1/os-keypairs', version='2.92',
                          body={'keypair': {'name': 'k'}})
    assert resp.status_int == 400


@pytest.mark.parametrize('version,name,status', [
    ('2.91', 'a.b', 400), ('2.92', 'a.b', 201), ('2.92', 'a/b', 400),
    ('2.2', 'ok name', 201)])
def test_name_validation(client, world, version, name, status):
    resp = client.request('POST', '/v2.1/os-keypairs', version=version,
                          body={'keypair': {'name': name,
                                            'public_key': PUBLIC}})
    assert resp.status_int == status, resp.text


def test_duplicate_is_409_bad_key_400(client, world):
    body = {'keypair': {'name': 'k', 'public_key': PUBLIC}}
    client.request('POST', '/v2.1/os-keypairs', body=body)
    resp = client.request('POST', '/v2.1/os-keypairs', body=body)
    assert resp.status_int == 409
    assert "Key pair 'k' already exists." in resp.text
    resp = client.request('POST', '/v2.1/os-keypairs',
                          body={'keypair': {'name': 'j',
                                            'public_key': 'ssh-rsa bogus'}})
    assert resp.status_int == 400
    assert 'Keypair data is invalid' in resp.text


def test_x509_generated(client, world):
    resp = client.request('POST', '/v2.1/os-keypairs', version='2.2',
                          body={'keypair': {'name': 'c', 'type': 'x509'}})
    assert resp.status_int == 201
    kp = resp.json['keypair']
    assert kp['public_key'].startswith('-----BEGIN CERTIFICATE-----')
    assert len(kp['fingerprint'].split(':')) == 20


def test_admin_acts_for_other_users_at_2_10(client, world):
    body = {'keypair': {'name': 'k', 'public_key': PUBLIC,
                        'user_id': 'bob'}}
    resp = client.request('POST', '/v2.1/os-keypairs', version='2.10',
                          body=body)
    assert resp.status_int == 403
    resp = client.request('POST', '/v2.1/os-keypairs', version='2.10',
                          body=body, token='admin:admin')
    assert resp.status_int == 201
    assert resp.json['keypair']['user_id'] == 'bob'
    resp = client.request('GET', '/v2.1/os-keypairs?user_id=bob',
                          version='2.10', token='admin:admin')
    assert [k['keypair']['name'] for k in resp.json['keypairs']] == ['k']
    resp = client.request('GET', '/v2.1/os-keypairs', version='2.10',
                          token='admin:admin')
    assert resp.json['keypairs'] == []


def test_paging_at_2_35(client, world):
    for name in ('a', 'b', 'c'):
        client.request('POST', '/v2.1/os-keypairs',
                       body={'keypair': {'name': name,
                                         'public_key': PUBLIC}})
    resp = client.request('GET', '/v2.1/os-keypairs?limit=2',
                          version='2.35')
    assert [k['keypair']['name'] for k in resp.json['keypairs']] == \
        ['a', 'b']
    assert 'marker=b' in resp.json['keypairs_links'][0]['href']
    resp = client.request('GET', '/v2.1/os-keypairs?marker=b',
                          version='2.35')
    assert [k['keypair']['name'] for k in resp.json['keypairs']] == ['c']
    resp = client.request('GET', '/v2.1/os-keypairs?marker=zz',
                          version='2.35')
    assert resp.status_int == 400
    resp = client.request('GET', '/v2.1/os-keypairs?foo=1',
                          version='2.75')
    assert resp.status_int == 400


def test_quota(client, world, conf):
    conf.config(key_pairs=1, group='quota')
    client.request('POST', '/v2.1/os-keypairs',
                   body={'keypair': {'name': 'a', 'public_key': PUBLIC}})
    resp = client.request('POST', '/v2.1/os-keypairs',
                          body={'keypair': {'name': 'b',
                                            'public_key': PUBLIC}})
    assert resp.status_int == 403
    assert 'Quota exceeded, too many key pairs.' in resp.text
