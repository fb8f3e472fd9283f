"""Which server asks (nova.metadata.lookup): Neutron's signed instance
ids, the requester's address, the isolation of one server from another,
and the cache. Servers live in real SQLite cell databases; Neutron is the
in-memory fake of tests.unit.network."""

import hashlib
import hmac

import pytest
import webob

from nova import exception
from nova.metadata import lookup
from nova.metadata import password
from nova import objects
from tests.unit.metadata.conftest import b64
from tests.unit.metadata.conftest import KEY
from tests.unit.network.fake_neutron import neutron  # noqa: F401

SECRET = 'neutron-metadata-secret'


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def proxy(conf):
    """[neutron] service_metadata_proxy with the shared secret."""
    conf.config(service_metadata_proxy=True,
                metadata_proxy_shared_secret=SECRET, group='neutron')


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def source(conf, clock):
    conf.config(metadata_cache_expiration=15, group='api')
    return lookup.MetadataSource(cache=lookup.TTLCache(15, clock=clock))


@pytest.fixture
def reads(monkeypatch):
    """The instance reads that reach the cell database (the conductor's
    work in a deployment)."""
    done = []
    real = objects.Instance.get_by_uuid

    def get_by_uuid(context, uuid, expected_attrs=None):
        done.append(uuid)
        return real(context, uuid, expected_attrs=expected_attrs)
    monkeypatch.setattr(objects.Instance, 'get_by_uuid', get_by_uuid)
    return done


def _sign(instance_id, secret=SECRET):
    return hmac.new(secret.encode(), instance_id.encode(),
                    hashlib.sha256).hexdigest()


def _headers(instance_id=None, tenant=None, signature=None,
             forwarded='10.0.0.5', **extra):
    headers = {}
    if instance_id is not None:
        headers['X-Instance-ID'] = instance_id
        headers['X-Instance-ID-Signature'] = (
            signature if signature is not None else _sign(instance_id))
    if tenant is not None:
        headers['X-Tenant-ID'] = tenant
    if forwarded is not None:
        headers['X-Forwarded-For'] = forwarded
    headers.update(extra)
    return webob.Request.blank('/', headers=headers).headers


def _signed(inst, **kw):
    return _headers(inst.uuid, tenant=inst.project_id, **kw)


# -- signed instance ids ----------------------------------------------------

def test_signature_is_hmac_sha256_of_the_instance_id(proxy):
    assert lookup.signature('abc') == _sign('abc')
    assert lookup.signature_matches('abc', _sign('abc'))
    assert not lookup.signature_matches('abc', _sign('abd'))
    assert not lookup.signature_matches('abc', _sign('abc', 'other'))
    assert not lookup.signature_matches('abc', '')
    assert not lookup.signature_matches('abc', 'é')


def test_a_signed_request_gets_its_servers_metadata(proxy, servers,
                                                    source):
    inst = servers.create(key_name='alice', key_data=KEY,
                          user_data=b64('hello'), metadata={'a': 'b'})
    md = source.for_request(_signed(inst), '127.0.0.1')
    assert md.uuid == inst.uuid
    assert md.user_data == b'hello'
    assert md.address == '10.0.0.5'
    assert md.instance.metadata == {'a': 'b'}


def test_a_bad_signature_is_refused(proxy, servers, source, caplog):
    inst = servers.create()
    for signature in (_sign(inst.uuid, 'wrong-secret'), 'abc'):
        with pytest.raises(lookup.Forbidden) as err:
            source.for_request(_signed(inst, signature=signature), None)
        assert err.value.code == 403
        assert err.value.message == 'Invalid proxy request signature.'
    assert 'does not match the expected signature' in caplog.text


@pytest.mark.parametrize('missing,message', [
    ('X-Instance-ID', 'X-Instance-ID header is missing from request.'),
    ('X-Instance-ID-Signature',
     'X-Instance-ID-Signature header is missing from request.'),
    ('X-Tenant-ID', 'X-Tenant-ID header is missing from request.'),
])
def test_a_missing_header_is_a_bad_request(proxy, servers, source, missing,
                                           message):
    inst = servers.create()
    headers = _signed(inst)
    del headers[missing]
    with pytest.raises(lookup.BadRequest) as err:
        source.for_request(headers, None)
    assert err.value.code == 400
    assert err.value.message == message


def test_repeated_headers_are_a_bad_request(proxy, servers, source):
    inst = servers.create()
    headers = _signed(inst)
    headers['X-Tenant-ID'] = 'demo, other'
    with pytest.raises(lookup.BadRequest):
        source.for_request(headers, None)


def test_a_tenant_that_is_not_the_servers_project_is_not_found(
        proxy, servers, source, caplog):
    inst = servers.create(project_id='alpha')
    with pytest.raises(lookup.NotFound) as err:
        source.for_request(_headers(inst.uuid, tenant='beta'), None)
    assert err.value.code == 404
    assert 'is not the project of instance %s' % inst.uuid in caplog.text


def test_an_unknown_or_deleted_server_is_not_found(proxy, servers, source):
    with pytest.raises(lookup.NotFound):
        source.for_request(_headers('c0ffee00-0000-4000-8000-000000000000',
                                    tenant='demo'), None)
    inst = servers.create()
    inst.destroy()
    with pytest.raises(lookup.NotFound):
        source.for_request(_signed(inst), None)


def test_a_server_not_yet_in_a_cell_is_not_found(proxy, servers, source):
    objects.InstanceMapping(
        servers.ctx, instance_uuid='c0ffee00-0000-4000-8000-000000000001',
        project_id='demo', user_id='demo', cell_mapping=None,
        queued_for_delete=False).create()
    with pytest.raises(lookup.NotFound):
        source.for_request(_headers('c0ffee00-0000-4000-8000-000000000001',
                                    tenant='demo'), None)


def test_a_failing_conductor_is_an_internal_error(proxy, servers, source,
                                                  monkeypatch):
    inst = servers.create()

    def down(*args, **kwargs):
        raise exception.CellUnavailable(cell_uuid='x')
    monkeypatch.setattr(objects.Instance, 'get_by_uuid', down)
    with pytest.raises(lookup.RequestError) as err:
        source.for_request(_signed(inst), None)
    assert err.value.code == 500


def test_without_a_secret_ids_are_signed_with_an_empty_key(conf, servers,
                                                           caplog):
    conf.config(service_metadata_proxy=True, group='neutron')
    source = lookup.MetadataSource()
    assert 'metadata_proxy_shared_secret is not set' in caplog.text
    inst = servers.create()
    md = source.for_request(_signed(inst, signature=_sign(inst.uuid, '')),
                            None)
    assert md.uuid == inst.uuid
    with pytest.raises(lookup.Forbidden):
        source.for_request(_signed(inst), None)


# -- isolation --------------------------------------------------------------

def test_a_server_never_gets_anothers_metadata(proxy, servers, source):
    a = servers.create(project_id='alpha', user_data=b64('A data'),
                       hostname='a')
    b = servers.create(project_id='beta', user_data=b64('B data'),
                       hostname='b')
    # Each signed request gets its own server, cached or not.
    for _ in range(2):
        assert source.for_request(_signed(a), None).user_data == b'A data'
        assert source.for_request(_signed(b), None).user_data == b'B data'
    # A's signature does not carry B's id.
    with pytest.raises(lookup.Forbidden):
        source.for_request(_headers(b.uuid, tenant='beta',
                                    signature=_sign(a.uuid)), None)
    # B's id properly signed, asked with A's project: not found.
    with pytest.raises(lookup.NotFound):
        source.for_request(_headers(b.uuid, tenant='alpha'), None)
    # A forged id of A with B's project: not found either.
    with pytest.raises(lookup.NotFound):
        source.for_request(_headers(a.uuid, tenant='beta'), None)


def test_an_address_gets_only_the_server_holding_it(
        conf, servers, source, neutron):  # noqa: F811
    net = neutron.network('private')
    sub = neutron.subnet(net, '10.0.0.0/24')
    a = servers.create(user_data=b64('A data'))
    b = servers.create(user_data=b64('B data'))
    neutron.port(a.uuid, sub, '10.0.0.5')
    neutron.port(b.uuid, sub, '10.0.0.6')
    assert source.for_request(_headers(), '10.0.0.5').uuid == a.uuid
    assert source.for_request(_headers(), '10.0.0.6').uuid == b.uuid
    assert source.for_request(_headers(), '10.0.0.5').user_data == \
        b'A data'


# -- the requester's address ----------------------------------------------

def test_the_remote_address_finds_the_server_of_its_port(
        servers, source, neutron, caplog):  # noqa: F811
    caplog.set_level('INFO')
    net = neutron.network('private')
    sub = neutron.subnet(net, '10.0.0.0/24')
    inst = servers.create()
    neutron.port(inst.uuid, sub, '10.0.0.5')
    dhcp = neutron.port('dhcp-device', sub, '10.0.0.2')
    dhcp['device_owner'] = 'network:dhcp'
    md = source.for_request(_headers(), '10.0.0.5')
    assert md.uuid == inst.uuid
    assert md.address == '10.0.0.5'
    assert 'Fixed IP 10.0.0.5 is instance %s' % inst.uuid in caplog.text
    for address in ('10.0.0.2', '10.0.0.99', '', None):
        with pytest.raises(lookup.NotFound):
            source.for_request(_headers(), address)


def test_x_forwarded_for_counts_only_with_use_forwarded_for(
        conf, servers, source, neutron):  # noqa: F811
    net = neutron.network('private')
    sub = neutron.subnet(net, '10.0.0.0/24')
    inst = servers.create()
    neutron.port(inst.uuid, sub, '10.0.0.5')
    headers = _headers(forwarded='10.9.9.9, 10.0.0.5')
    with pytest.raises(lookup.NotFound):
        source.for_request(headers, '192.168.0.1')
    conf.config(use_forwarded_for=True, group='api')
    assert source.for_request(headers, '192.168.0.1').uuid == inst.uuid
    # The entry the trusted proxy added is the last: a guest cannot
    # claim another address by sending the header itself.
    with pytest.raises(lookup.NotFound):
        source.for_request(_headers(forwarded='10.0.0.5, 10.9.9.9'),
                           '192.168.0.1')
    # No header: the remote address.
    assert source.for_request(_headers(forwarded=None), '10.0.0.5').uuid \
        == inst.uuid


def test_x_instance_id_is_ignored_without_the_proxy(
        servers, source, neutron, caplog):  # noqa: F811
    a = servers.create()
    b = servers.create()
    net = neutron.network('private')
    neutron.port(a.uuid, neutron.subnet(net, '10.0.0.0/24'), '10.0.0.5')
    md = source.for_request(_signed(b), '10.0.0.5')
    assert md.uuid == a.uuid
    assert 'service_metadata_proxy is not set' in caplog.text


def test_an_address_of_several_servers_is_an_internal_error(
        servers, source, neutron):  # noqa: F811
    one = neutron.subnet(neutron.network('one'), '10.0.0.0/24')
    two = neutron.subnet(neutron.network('two'), '10.0.0.0/24')
    neutron.port(servers.create().uuid, one, '10.0.0.5')
    neutron.port(servers.create().uuid, two, '10.0.0.5')
    with pytest.raises(lookup.RequestError) as err:
        source.for_request(_headers(), '10.0.0.5')
    assert err.value.code == 500


def test_without_a_network_service_no_address_is_known(servers, source):
    servers.create()
    with pytest.raises(lookup.NotFound):
        source.for_request(_headers(), '10.0.0.5')


# -- security groups --------------------------------------------------------

def test_security_groups_of_the_ports_with_neutron(
        proxy, servers, source, neutron):  # noqa: F811
    inst = servers.create()
    sub = neutron.subnet(neutron.network('private'), '10.0.0.0/24')
    neutron.port(inst.uuid, sub, '10.0.0.5',
                 groups=[neutron.security_group('default'),
                         neutron.security_group('web')])
    md = source.for_request(_signed(inst), None)
    assert md.security_groups == ['default', 'web']


def test_security_groups_asked_for_without_a_network_service(
        proxy, servers, source):
    inst = servers.create(system_metadata={
        'network_security_groups': '["default", "ssh"]'})
    assert source.for_request(_signed(inst), None).security_groups == \
        ['default', 'ssh']
    other = servers.create()
    assert source.for_request(_signed(other), None).security_groups == []


# -- the cache ----------------------------------------------------------------

def test_metadata_is_cached_until_it_expires(proxy, servers, source, clock,
                                             reads):
    inst = servers.create(metadata={'v': '1'})
    assert source.for_request(_signed(inst), None).instance.metadata == \
        {'v': '1'}
    stored = servers.get(inst.uuid)
    stored.metadata = {'v': '2'}
    stored.save()
    reads.clear()
    clock.now += 14
    assert source.for_request(_signed(inst), None).instance.metadata == \
        {'v': '1'}
    assert reads == []
    clock.now += 2
    assert source.for_request(_signed(inst), None).instance.metadata == \
        {'v': '2'}
    assert reads == [inst.uuid]


def test_the_cache_checks_signatures_and_tenants_every_time(
        proxy, servers, source):
    inst = servers.create(project_id='alpha')
    source.for_request(_headers(inst.uuid, tenant='alpha'), None)
    with pytest.raises(lookup.Forbidden):
        source.for_request(_headers(inst.uuid, tenant='alpha',
                                    signature='x'), None)
    with pytest.raises(lookup.NotFound):
        source.for_request(_headers(inst.uuid, tenant='beta'), None)


def test_no_cache_with_expiration_zero(proxy, conf, servers, reads):
    conf.config(metadata_cache_expiration=0, group='api')
    source = lookup.MetadataSource()
    inst = servers.create()
    for _ in range(3):
        source.for_request(_signed(inst), None)
    assert len(reads) == 3
    assert len(source.cache) == 0


def test_the_cache_is_bounded(clock):
    cache = lookup.TTLCache(60, size=2, clock=clock)
    cache.put('a', 1)
    cache.put('b', 2)
    assert cache.get('a') == 1      # a is now the most recent
    cache.put('c', 3)
    assert cache.get('b') is None
    assert (cache.get('a'), cache.get('c')) == (1, 3)
    assert len(cache) == 2


def test_addresses_are_cached_too(servers, source, neutron,  # noqa: F811
                                  reads):
    inst = servers.create()
    sub = neutron.subnet(neutron.network('private'), '10.0.0.0/24')
    neutron.port(inst.uuid, sub, '10.0.0.5')
    source.for_request(_headers(), '10.0.0.5')
    asked = len(neutron.calls)
    source.for_request(_headers(), '10.0.0.5')
    assert len(neutron.calls) == asked
    assert len(reads) == 1


# -- the password -------------------------------------------------------------

def test_a_posted_password_is_saved_once_and_seen_at_once(
        proxy, servers, source, reads):
    inst = servers.create()
    md = source.for_request(_signed(inst), None)
    source.save_password(md, b'encrypted-password')
    assert password.extract(servers.get(inst.uuid).system_metadata) == \
        'encrypted-password'
    # The server's cached metadata is gone: the next request sees it.
    md = source.for_request(_signed(inst), None)
    assert password.extract(md.instance.system_metadata) == \
        'encrypted-password'
    with pytest.raises(lookup.Conflict) as err:
        source.save_password(md, b'another')
    assert err.value.code == 409
    assert password.extract(servers.get(inst.uuid).system_metadata) == \
        'encrypted-password'


def test_a_password_too_long_is_refused(proxy, servers, source):
    inst = servers.create()
    md = source.for_request(_signed(inst), None)
    with pytest.raises(lookup.BadRequest) as err:
        source.save_password(md, b'x' * (password.MAX_SIZE + 1))
    assert 'too large' in err.value.message
    assert password.extract(servers.get(inst.uuid).system_metadata) is None


def test_a_password_for_a_deleted_server_is_refused(proxy, servers, source):
    inst = servers.create()
    md = source.for_request(_signed(inst), None)
    servers.get(inst.uuid).destroy()
    with pytest.raises(lookup.BadRequest):
        source.save_password(md, b'pw')
