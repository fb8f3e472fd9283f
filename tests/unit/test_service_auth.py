"""Which credentials nova sends when it calls another service."""

import json

import pytest
import webob
import webob.dec
from keystoneauth1 import service_token
from keystoneauth1 import session as ks_session

from nova.api import auth
from nova import context as nova_context
from nova import rpc
from nova import service_auth

V2_CATALOG = [
    {'type': 'image', 'name': 'glance', 'endpoints': [
        {'region': 'RegionOne', 'publicURL': 'http://public.r1/image',
         'internalURL': 'http://internal.r1/image'},
        {'region': 'RegionTwo', 'publicURL': 'http://public.r2/image',
         'internalURL': 'http://internal.r2/image'}]},
    {'type': 'compute', 'name': 'nova', 'endpoints': [
        {'region': 'RegionOne', 'publicURL': 'http://nova/v2.1'}]},
]
V3_CATALOG = [
    {'type': 'image', 'name': 'glance', 'endpoints': [
        {'region_id': 'RegionOne', 'region': 'RegionOne',
         'interface': 'public', 'url': 'http://public.r1/image'},
        {'region_id': 'RegionOne', 'region': 'RegionOne',
         'interface': 'internal', 'url': 'http://internal.r1/image'}]},
]


@pytest.fixture(autouse=True)
def fresh_plugins():
    service_auth.reset()
    yield
    service_auth.reset()


@pytest.fixture
def service_user(conf):
    """[service_user] with an auth plugin that needs no identity service:
    admin_token sends a fixed token."""
    from keystoneauth1 import loading as ks_loading
    conf.config(auth_type='admin_token', group='service_user')
    conf.register_opts(
        ks_loading.get_auth_plugin_conf_options('admin_token'),
        group='service_user')
    conf.config(token='SERVICE-TOKEN', endpoint='http://unused',
                group='service_user')
    return conf


def _user_context(token='USER-TOKEN', catalog=None):
    return nova_context.RequestContext(
        user_id='u1', project_id='p1', roles=['member', 'reader'],
        auth_token=token, service_catalog=catalog)


def _headers(auth_plugin):
    return auth_plugin.get_headers(ks_session.Session())


def test_user_token_alone_by_default(conf):
    plugin = service_auth.get_auth_plugin(_user_context())
    assert isinstance(plugin, service_auth.UserTokenAuth)
    assert _headers(plugin) == {'X-Auth-Token': 'USER-TOKEN'}
    # The user's token cannot be renewed by nova: no retry with the same.
    assert plugin.invalidate() is False


def test_service_token_alongside_when_enabled(service_user):
    service_user.config(send_service_user_token=True, group='service_user')
    plugin = service_auth.get_auth_plugin(_user_context())
    assert isinstance(plugin, service_token.ServiceTokenAuthWrapper)
    assert _headers(plugin) == {'X-Auth-Token': 'USER-TOKEN',
                                'X-Service-Token': 'SERVICE-TOKEN'}


def test_service_token_enabled_without_service_user_sends_user_token(conf):
    conf.config(send_service_user_token=True, group='service_user')
    plugin = service_auth.get_auth_plugin(_user_context())
    assert _headers(plugin) == {'X-Auth-Token': 'USER-TOKEN'}


def test_service_token_not_sent_when_disabled(service_user):
    plugin = service_auth.get_auth_plugin(_user_context())
    assert _headers(plugin) == {'X-Auth-Token': 'USER-TOKEN'}


def test_context_without_token_uses_the_fallback_group(conf):
    ctx = nova_context.get_admin_context()
    assert service_auth.get_auth_plugin(ctx) is None
    # [glance] without auth_type: nothing to authenticate with.
    assert service_auth.get_auth_plugin(ctx, fallback_group='glance') is None
    service_auth.reset()
    from keystoneauth1 import loading as ks_loading
    conf.register_opts(ks_loading.get_auth_plugin_conf_options('password'),
                       group='glance')
    conf.config(auth_type='password', auth_url='http://keystone/v3',
                username='nova', password='pw', project_name='service',
                user_domain_name='Default', project_domain_name='Default',
                group='glance')
    plugin = service_auth.get_auth_plugin(ctx, fallback_group='glance')
    from keystoneauth1.identity.generic import password
    assert isinstance(plugin, password.Password)
    assert plugin.auth_url == 'http://keystone/v3'
    # Loaded once per process: the same plugin keeps its token.
    assert service_auth.get_auth_plugin(
        ctx, fallback_group='glance') is plugin


def test_endpoint_from_a_v2_catalog_honours_interface_and_region():
    plugin = service_auth.UserTokenAuth('t', V2_CATALOG)
    sess = ks_session.Session()
    assert plugin.get_endpoint(sess, service_type='image',
                               interface=['internal', 'public'],
                               region_name='RegionTwo') == \
        'http://internal.r2/image'
    assert plugin.get_endpoint(sess, service_type='image',
                               interface='public',
                               region_name='RegionOne') == \
        'http://public.r1/image'
    assert plugin.get_endpoint(sess, service_type='volumev3') is None
    assert plugin.get_endpoint(sess, service_type='image',
                               endpoint_override='http://o') == 'http://o'


def test_endpoint_from_a_v3_catalog():
    plugin = service_auth.UserTokenAuth('t', V3_CATALOG)
    assert plugin.get_endpoint(ks_session.Session(), service_type='image',
                               interface='internal') == \
        'http://internal.r1/image'


def test_wrapper_finds_endpoints_in_the_user_catalog(service_user):
    service_user.config(send_service_user_token=True, group='service_user')
    plugin = service_auth.get_auth_plugin(_user_context(catalog=V2_CATALOG))
    assert plugin.get_endpoint(ks_session.Session(), service_type='image',
                               interface='public',
                               region_name='RegionOne') == \
        'http://public.r1/image'


def _keystone_request(**headers):
    """A request as keystonemiddleware's auth_token passes it on."""
    req = webob.Request.blank('/v2.1/servers')
    base = {'X-Identity-Status': 'Confirmed', 'X-User-Id': 'u1',
            'X-User-Name': 'alice', 'X-Project-Id': 'p1',
            'X-Project-Name': 'alpha', 'X-Roles': 'member,reader',
            'X-Auth-Token': 'USER-TOKEN',
            'X-Service-Catalog': json.dumps(V2_CATALOG)}
    base.update(headers)
    for key, value in base.items():
        if value is not None:
            req.headers[key] = value
    return req


def _context_of(req):
    seen = {}

    @webob.dec.wsgify
    def app(req):
        seen['context'] = req.environ.get('nova.context')
        return webob.Response('ok')

    resp = req.get_response(auth.KeystoneContext(app))
    return resp.status_int, seen.get('context')


def test_the_users_token_survives_rpc(service_user):
    """nova-api's context, serialized for a cast and rebuilt on the other
    side (conductor, compute), still calls out with the user's token and
    finds the image service in the user's catalog."""
    status, ctx = _context_of(_keystone_request())
    assert status == 200
    serializer = rpc.RequestContextSerializer(None)
    wire = json.loads(json.dumps(serializer.serialize_context(ctx)))
    remote = serializer.deserialize_context(wire)
    assert remote.auth_token == 'USER-TOKEN'
    assert remote.user_id == 'u1' and remote.project_id == 'p1'
    service_user.config(send_service_user_token=True, group='service_user')
    plugin = service_auth.get_auth_plugin(remote)
    assert _headers(plugin) == {'X-Auth-Token': 'USER-TOKEN',
                                'X-Service-Token': 'SERVICE-TOKEN'}
    assert plugin.get_endpoint(ks_session.Session(), service_type='image',
                               interface='internal',
                               region_name='RegionOne') == \
        'http://internal.r1/image'


def test_an_invalid_service_token_is_refused():
    """With delay_auth_decision, auth_token leaves the refusal to us."""
    status, ctx = _context_of(_keystone_request(
        **{'X-Service-Identity-Status': 'Invalid'}))
    assert status == 401 and ctx is None
    status, ctx = _context_of(_keystone_request(
        **{'X-Service-Identity-Status': 'Confirmed',
           'X-Service-Roles': 'service'}))
    assert status == 200 and ctx.auth_token == 'USER-TOKEN'


def test_noauth2_contexts_pass_their_token_on():
    seen = {}

    @webob.dec.wsgify
    def app(req):
        seen['context'] = req.environ.get('nova.context')
        return webob.Response('ok')

    req = webob.Request.blank('/v2.1/servers')
    req.headers['X-Auth-Token'] = 'alice:p1'
    assert req.get_response(auth.NoAuth2(app)).status_int == 200
    plugin = service_auth.get_auth_plugin(seen['context'])
    assert _headers(plugin) == {'X-Auth-Token': 'alice:p1'}
