"""Every path of a server's OpenStack and EC2 metadata trees, per version
(nova.metadata.content)."""

import json

import pytest

from nova.metadata import content
from tests.unit.metadata.conftest import b64
from tests.unit.metadata.conftest import flavor
from tests.unit.metadata.conftest import KEY
from tests.unit.metadata.conftest import make_instance
from tests.unit.metadata.conftest import subnet
from tests.unit.metadata.conftest import vif

OS = content.OPENSTACK_VERSIONS


def _md(**kw):
    extra = {k: kw.pop(k) for k in ('security_groups', 'files', 'extra',
                                    'vendordata', 'static_vendordata',
                                    'address') if k in kw}
    return content.InstanceMetadata(make_instance(**kw), **extra)


def _json(md, path):
    body, content_type = md.lookup(path)
    assert content_type == content.JSON
    return json.loads(body)


# -- the OpenStack format ---------------------------------------------------

def test_openstack_lists_its_versions_and_latest():
    body, content_type = _md().lookup('/openstack')
    assert body == list(OS) + ['latest']
    assert content_type == content.TEXT
    assert _md().lookup('/openstack/')[0] == body


@pytest.mark.parametrize('version,files', [
    (content.FOLSOM, ['meta_data.json', 'user_data']),
    (content.GRIZZLY, ['meta_data.json', 'user_data', 'password']),
    (content.HAVANA, ['meta_data.json', 'user_data', 'password',
                      'vendor_data.json']),
    (content.LIBERTY, ['meta_data.json', 'user_data', 'password',
                       'vendor_data.json', 'network_data.json']),
    (content.NEWTON_ONE, ['meta_data.json', 'user_data', 'password',
                          'vendor_data.json', 'network_data.json']),
    (content.NEWTON_TWO, ['meta_data.json', 'user_data', 'password',
                          'vendor_data.json', 'network_data.json',
                          'vendor_data2.json']),
    (content.VICTORIA, ['meta_data.json', 'user_data', 'password',
                        'vendor_data.json', 'network_data.json',
                        'vendor_data2.json']),
    (content.EPOXY, ['meta_data.json', 'user_data', 'password',
                     'vendor_data.json', 'network_data.json',
                     'vendor_data2.json']),
    ('latest', ['meta_data.json', 'user_data', 'password',
                'vendor_data.json', 'network_data.json',
                'vendor_data2.json']),
])
def test_each_version_lists_the_files_it_has(version, files):
    md = _md(user_data=b64('#!/bin/sh\necho hi\n'))
    assert md.lookup('/openstack/%s' % version) == (files, content.TEXT)
    # Every file listed is there.
    for name in files:
        md.lookup('/openstack/%s/%s' % (version, name))


def test_user_data_is_not_listed_nor_served_without_one():
    md = _md(user_data=None)
    assert 'user_data' not in md.lookup('/openstack/latest')[0]
    with pytest.raises(content.NotFound):
        md.lookup('/openstack/latest/user_data')
    with pytest.raises(content.NotFound):
        md.lookup('/latest/user-data')


def test_user_data_is_served_decoded_as_posted():
    data = b'\x00\x01binary\xff#cloud-config\n'
    md = _md(user_data=b64(data))
    assert md.lookup('/openstack/2012-08-10/user_data') == (
        data, content.TEXT)
    assert md.lookup('/2009-04-04/user-data') == (data, content.TEXT)


def test_meta_data_of_the_first_version():
    md = _md(metadata={'role': 'web'}, key_name='alice', key_data=KEY,
             hostname='vm1', display_name='VM one', launch_index=2,
             availability_zone='az1')
    data = _json(md, '/openstack/%s/meta_data.json' % content.FOLSOM)
    assert data == {
        'uuid': md.uuid, 'meta': {'role': 'web'},
        'public_keys': {'alice': KEY},
        'keys': [{'name': 'alice', 'type': 'ssh', 'data': KEY}],
        'hostname': 'vm1.novalocal', 'name': 'VM one', 'launch_index': 2,
        'availability_zone': 'az1'}


@pytest.mark.parametrize('version,added', [
    (content.FOLSOM, set()),
    (content.GRIZZLY, {'random_seed'}),
    (content.HAVANA, {'random_seed'}),
    (content.LIBERTY, {'random_seed', 'project_id'}),
    (content.NEWTON_ONE, {'random_seed', 'project_id', 'devices'}),
    (content.NEWTON_TWO, {'random_seed', 'project_id', 'devices'}),
    (content.OCATA, {'random_seed', 'project_id', 'devices'}),
    (content.ROCKY, {'random_seed', 'project_id', 'devices'}),
    (content.VICTORIA, {'random_seed', 'project_id', 'devices',
                        'dedicated_cpus'}),
    (content.EPOXY, {'random_seed', 'project_id', 'devices',
                     'dedicated_cpus'}),
    ('latest', {'random_seed', 'project_id', 'devices', 'dedicated_cpus'}),
])
def test_meta_data_fields_per_version(version, added):
    data = _json(_md(), '/openstack/%s/meta_data.json' % version)
    base = {'uuid', 'hostname', 'name', 'launch_index', 'availability_zone'}
    assert set(data) == base | added
    if 'random_seed' in added:
        assert len(__import__('base64').b64decode(data['random_seed'])) \
            == 512
    if 'project_id' in added:
        assert data['project_id'] == 'demo'
    if 'devices' in added:
        assert data['devices'] == []
    if 'dedicated_cpus' in added:
        assert data['dedicated_cpus'] == []


def test_meta_data_without_dhcp_domain_has_the_bare_hostname(conf):
    conf.config(dhcp_domain='', group='api')
    assert _json(_md(), '/openstack/latest/meta_data.json')[
        'hostname'] == 'vm1'


def test_meta_data_devices_are_the_tagged_nics():
    tagged = vif(subnet('10.0.0.0/24', '10.0.0.5'), mac='fa:16:3e:aa:bb:cc',
                 tag='frontend')
    plain = vif(subnet('10.1.0.0/24', '10.1.0.5'))
    md = _md(network_info=[tagged, plain])
    assert _json(md, '/openstack/latest/meta_data.json')['devices'] == [
        {'type': 'nic', 'bus': 'none', 'address': 'none',
         'mac': 'fa:16:3e:aa:bb:cc', 'tags': ['frontend']}]


def test_meta_data_has_personality_files_and_extra():
    md = _md(files=[('/etc/motd', b'hello')], extra={'admin_pass': 'pw'})
    data = _json(md, '/openstack/latest/meta_data.json')
    assert data['files'] == [{'path': '/etc/motd',
                              'content_path': '/content/0000'}]
    assert data['admin_pass'] == 'pw'
    assert md.lookup('/openstack/content/0000') == (b'hello', content.TEXT)
    for path in ('/openstack/content', '/openstack/content/0001',
                 '/openstack/content/0000/x'):
        with pytest.raises(content.NotFound):
            md.lookup(path)


def test_password_is_a_marker_from_grizzly_on():
    md = _md()
    body, content_type = md.lookup('/openstack/latest/password')
    assert isinstance(body, content.Password)
    assert isinstance(md.lookup('/openstack/%s/password'
                                % content.GRIZZLY)[0], content.Password)
    with pytest.raises(content.NotFound):
        md.lookup('/openstack/%s/password' % content.FOLSOM)


@pytest.mark.parametrize('path', [
    '/openstack/2011-01-01', '/openstack/2011-01-01/meta_data.json',
    '/openstack/latest/nothing', '/openstack/latest/meta_data.json/x',
    '/openstack/%s/network_data.json' % content.HAVANA,
    '/openstack/%s/vendor_data.json' % content.GRIZZLY,
    '/openstack/%s/vendor_data2.json' % content.NEWTON_ONE,
    '/2011-01-01/meta-data', '/latest/meta-data/nothing',
    '/latest/meta-data/hostname/x', '/latest/nothing',
    '/1.0/meta-data/local-hostname',
])
def test_unknown_paths_are_not_found(path):
    with pytest.raises(content.NotFound):
        _md().lookup(path)


# -- network_data.json ----------------------------------------------------

def test_network_data_without_network_info_is_empty():
    assert _json(_md(), '/openstack/latest/network_data.json') == {}


def test_network_data_of_a_dhcp_v4_subnet():
    port = vif(subnet('10.0.0.0/24', '10.0.0.5', gateway='10.0.0.1',
                      dns=['8.8.8.8']), port_id='p1' * 8,
               mac='fa:16:3e:00:00:05', network_id='net-a', mtu=1442)
    data = _json(_md(network_info=[port]),
                 '/openstack/latest/network_data.json')
    link = data['links'][0]
    assert link == {'id': ('tap' + 'p1' * 8)[:14], 'vif_id': 'p1' * 8,
                    'type': 'phy', 'mtu': 1442,
                    'ethernet_mac_address': 'fa:16:3e:00:00:05'}
    assert data['networks'] == [{'id': 'network0', 'link': link['id'],
                                 'network_id': 'net-a',
                                 'type': 'ipv4_dhcp'}]
    assert data['services'] == [{'type': 'dns', 'address': '8.8.8.8'}]


def test_network_data_of_a_static_v4_subnet_with_routes():
    port = vif(subnet('192.168.10.0/24', '192.168.10.7',
                      gateway='192.168.10.1', dns=['192.168.10.2'],
                      routes=[('172.16.0.0/16', '192.168.10.254')],
                      enable_dhcp=False))
    data = _json(_md(network_info=[port]),
                 '/openstack/latest/network_data.json')
    net = data['networks'][0]
    assert net['type'] == 'ipv4'
    assert net['ip_address'] == '192.168.10.7'
    assert net['netmask'] == '255.255.255.0'
    assert net['routes'] == [
        {'network': '0.0.0.0', 'netmask': '0.0.0.0',
         'gateway': '192.168.10.1'},
        {'network': '172.16.0.0', 'netmask': '255.255.0.0',
         'gateway': '192.168.10.254'}]
    assert net['services'] == [{'type': 'dns', 'address': '192.168.10.2'}]


@pytest.mark.parametrize('mode,enable_dhcp,expected', [
    ('slaac', True, 'ipv6_slaac'),
    ('dhcpv6-stateful', True, 'ipv6_dhcpv6-stateful'),
    ('dhcpv6-stateless', True, 'ipv6_dhcpv6-stateless'),
    (None, False, 'ipv6'),
])
def test_network_data_of_v6_subnets(mode, enable_dhcp, expected):
    port = vif(subnet('fd00:1::/64', 'fd00:1::5', gateway='fd00:1::1',
                      enable_dhcp=enable_dhcp, ipv6_address_mode=mode))
    net = _json(_md(network_info=[port]),
                '/openstack/latest/network_data.json')['networks'][0]
    assert net['type'] == expected
    assert net['ip_address'] == 'fd00:1::5'
    assert net['netmask'] == 'ffff:ffff:ffff:ffff::'
    assert net['routes'] == [{'network': '::', 'netmask': '::',
                              'gateway': 'fd00:1::1'}]


def test_network_data_of_a_dual_stack_port_and_two_ports():
    first = vif(subnet('10.0.0.0/24', '10.0.0.5'),
                subnet('fd00::/64', 'fd00::5', ipv6_address_mode='slaac'))
    second = vif(subnet('10.9.0.0/24', '10.9.0.5', enable_dhcp=False),
                 mac='fa:16:3e:00:00:02')
    data = _json(_md(network_info=[first, second]),
                 '/openstack/latest/network_data.json')
    assert len(data['links']) == 2
    assert [(n['id'], n['type']) for n in data['networks']] == [
        ('network0', 'ipv4_dhcp'), ('network1', 'ipv6_slaac'),
        ('network2', 'ipv4')]
    assert data['networks'][2]['link'] == data['links'][1]['id']


# -- vendor data ------------------------------------------------------------

def test_vendor_data_is_the_static_data():
    md = _md(static_vendordata={'motd': 'welcome'})
    assert _json(md, '/openstack/latest/vendor_data.json') == {
        'motd': 'welcome'}
    assert _json(md, '/openstack/latest/vendor_data2.json') == {
        'static': {'motd': 'welcome'}}


def test_vendor_data2_adds_the_dynamic_services(conf):
    conf.config(vendordata_providers=['StaticJSON', 'DynamicJSON'],
                group='api')
    md = _md(static_vendordata={'a': 1},
             vendordata=lambda: {'svc': {'token': 'x'}, 'static': 'dup'})
    assert _json(md, '/openstack/latest/vendor_data2.json') == {
        'static': {'a': 1}, 'svc': {'token': 'x'}}


def test_vendor_data2_without_providers_is_empty(conf):
    conf.config(vendordata_providers=[], group='api')
    md = _md(static_vendordata={'a': 1}, vendordata=lambda: {'s': 1})
    assert _json(md, '/openstack/latest/vendor_data2.json') == {}


def test_vendor_data_without_static_provider_is_not_found(conf):
    conf.config(vendordata_providers=['DynamicJSON'], group='api')
    md = _md(static_vendordata={'a': 1}, vendordata=lambda: {'s': 1})
    assert 'vendor_data.json' in md.lookup('/openstack/latest')[0]
    with pytest.raises(content.NotFound):
        md.lookup('/openstack/latest/vendor_data.json')
    assert _json(md, '/openstack/latest/vendor_data2.json') == {'s': 1}
    # The config drive leaves the file out instead of failing.
    paths = [path for path, _data in md.config_drive_files()]
    assert 'openstack/latest/vendor_data2.json' in paths
    assert 'openstack/latest/vendor_data.json' not in paths


# -- the EC2 format ---------------------------------------------------------

def test_ec2_lists_its_versions_at_the_root():
    md = _md()
    expected = (list(content.EC2_VERSIONS) + ['latest'], content.TEXT)
    assert md.lookup('/') == expected
    assert md.lookup('/ec2') == expected
    assert md.lookup('') == expected


def test_ec2_version_directory():
    body, _ = _md(user_data=b64('x')).lookup('/latest')
    assert content.ec2_listing(body) == 'meta-data/\nuser-data'
    body, _ = _md().lookup('/2009-04-04')
    assert content.ec2_listing(body) == 'meta-data/'


@pytest.mark.parametrize('version,keys', [
    ('1.0', set()),
    ('2007-01-19', {'local-hostname', 'public-hostname', 'public-ipv4'}),
    ('2007-08-29', {'local-hostname', 'public-hostname', 'public-ipv4',
                    'instance-type'}),
    ('2007-12-15', {'local-hostname', 'public-hostname', 'public-ipv4',
                    'instance-type', 'block-device-mapping'}),
    ('2008-02-01', {'local-hostname', 'public-hostname', 'public-ipv4',
                    'instance-type', 'block-device-mapping', 'placement'}),
    ('2009-04-04', {'local-hostname', 'public-hostname', 'public-ipv4',
                    'instance-type', 'block-device-mapping', 'placement',
                    'instance-action'}),
])
def test_ec2_meta_data_keys_per_version(version, keys):
    body, _ = _md().lookup('/%s/meta-data' % version)
    base = {'ami-id', 'ami-launch-index', 'ami-manifest-path',
            'instance-id', 'hostname', 'local-ipv4', 'reservation-id',
            'security-groups'}
    assert set(body) == base | keys


def test_ec2_meta_data_values():
    port = vif(subnet('10.0.0.0/24', '10.0.0.5', floating=['172.24.4.9']),
               subnet('fd00::/64', 'fd00::5'))
    md = _md(id=42, image_ref='155d900f-4e14-4e4c-a73d-069cbf4541e6',
             kernel_id='0a0b0c0d-0000-0000-0000-000000000000',
             network_info=[port], security_groups=['default', 'web'],
             flavor=flavor(name='m1.small'), availability_zone='az1')

    def value(name):
        body, content_type = md.lookup('/latest/meta-data/' + name)
        assert content_type == content.TEXT
        return body

    assert value('instance-id') == 'i-0000002a'
    assert value('ami-id') == 'ami-155d900f'
    assert value('kernel-id') == 'aki-0a0b0c0d'
    assert value('hostname') == 'vm1.novalocal'
    assert value('local-hostname') == 'vm1.novalocal'
    assert value('local-ipv4') == '10.0.0.5'
    assert value('public-ipv4') == '172.24.4.9'
    assert value('reservation-id') == 'r-abcdefgh'
    assert value('security-groups') == ['default', 'web']
    assert value('instance-type') == 'm1.small'
    assert value('instance-action') == 'none'
    assert value('ami-manifest-path') == 'FIXME'
    assert content.ec2_listing(value('placement')) == 'availability-zone'
    assert value('placement/availability-zone') == 'az1'
    with pytest.raises(content.NotFound):
        value('ramdisk-id')


def test_ec2_local_ipv4_falls_back_to_the_requester_address():
    md = _md(address='10.9.9.9')
    assert md.lookup('/latest/meta-data/local-ipv4')[0] == '10.9.9.9'
    assert md.lookup('/latest/meta-data/public-ipv4')[0] == ''


def test_ec2_public_keys_are_rendered_as_ec2_does():
    md = _md(key_name='alice', key_data=KEY)
    meta, _ = md.lookup('/latest/meta-data')
    assert 'public-keys/' in content.ec2_listing(meta).split('\n')
    keys, _ = md.lookup('/latest/meta-data/public-keys')
    assert content.ec2_listing(keys) == '0=alice'
    first, _ = md.lookup('/latest/meta-data/public-keys/0')
    assert content.ec2_listing(first) == 'openssh-key'
    assert md.lookup('/latest/meta-data/public-keys/0/openssh-key')[0] \
        == KEY
    with pytest.raises(content.NotFound):
        md.lookup('/latest/meta-data/public-keys/0/_name')
    with pytest.raises(content.NotFound):
        _md().lookup('/latest/meta-data/public-keys')


def test_ec2_block_device_mapping_of_root_ephemeral_and_swap():
    md = _md(flavor=flavor(ephemeral_gb=1, swap=512),
             root_device_name='/dev/vda')
    mapping, _ = md.lookup('/latest/meta-data/block-device-mapping')
    assert content.ec2_listing(mapping) == 'ami\nephemeral0\nroot\nswap'
    assert md.lookup('/latest/meta-data/block-device-mapping/ami')[0] \
        == 'vda'
    assert md.lookup('/latest/meta-data/block-device-mapping/root')[0] \
        == '/dev/vda'
    assert md.lookup('/latest/meta-data/block-device-mapping/ephemeral0'
                     )[0] == '/dev/vdb'
    assert md.lookup('/latest/meta-data/block-device-mapping/swap')[0] \
        == '/dev/vdc'
    plain, _ = _md(root_device_name='/dev/sda').lookup(
        '/latest/meta-data/block-device-mapping')
    assert plain == {'ami': 'sda', 'root': '/dev/sda'}


def test_ec2_paths_also_answer_under_ec2():
    md = _md()
    assert md.lookup('/ec2/latest/meta-data/instance-id') == \
        md.lookup('/latest/meta-data/instance-id')
    # and paths are normalised as the guest may write them
    assert md.lookup('//latest//meta-data/./instance-id/')[0] == \
        'i-0000002a'
