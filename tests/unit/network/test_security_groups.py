"""Translation between Neutron's security groups and nova's, and the
rule checks the proxies have always made."""

import pytest

from nova import exception
from nova.network import security_groups as sg


def test_a_group_rule_without_ports_opens_its_whole_protocol():
    assert sg.new_rule('p', 'TCP', group_id='g') == {
        'parent_group_id': 'p', 'group_id': 'g', 'cidr': None,
        'protocol': 'tcp', 'from_port': 1, 'to_port': 65535}
    rule = sg.new_rule('p', 'icmp', group_id='g')
    assert (rule['from_port'], rule['to_port']) == (-1, -1)
    # Without a protocol, a group rule allows everything from the group.
    assert sg.new_rule('p', group_id='g')['protocol'] is None


def test_a_cidr_rule_needs_protocol_and_ports():
    assert sg.new_rule('p', 'tcp', 22, None, '10.0.0.0/8') is None
    rule = sg.new_rule('p', 'udp', '53', '53')
    assert (rule['cidr'], rule['from_port']) == ('0.0.0.0/0', 53)
    assert sg.new_rule('p', 'tcp', 1, 2, '10.0.0.0%2F8')['cidr'] == \
        '10.0.0.0/8'


@pytest.mark.parametrize('cidr', ['10.0.0.1', 'nope', '300.0.0.0/8'])
def test_bad_cidrs(cidr):
    with pytest.raises(exception.InvalidCidr):
        sg.new_rule('p', 'tcp', 1, 2, cidr)


def test_from_neutron_keeps_ingress_rules_and_fills_port_ranges():
    group = {'id': 'g', 'name': 'web', 'description': '', 'tenant_id': 't',
             'security_group_rules': [
                 {'id': 'r1', 'security_group_id': 'g', 'direction':
                  'ingress', 'protocol': 'tcp', 'port_range_min': None,
                  'port_range_max': None, 'remote_group_id': None,
                  'remote_ip_prefix': None},
                 {'id': 'r2', 'security_group_id': 'g', 'direction':
                  'egress', 'protocol': None, 'remote_group_id': None,
                  'remote_ip_prefix': None}]}
    found = sg.from_neutron(group)
    assert found['project_id'] == 't'
    assert found['rules'] == [{
        'id': 'r1', 'parent_group_id': 'g', 'protocol': 'tcp',
        'from_port': 1, 'to_port': 65535, 'group_id': None,
        'cidr': '0.0.0.0/0'}]


def test_rules_go_to_neutron_as_ingress_of_the_cidrs_family():
    body = sg._to_neutron_rule(sg.new_rule('p', 'icmp', -1, -1,
                                           'fd00::/64'))
    assert body == {'direction': 'ingress', 'ethertype': 'IPv6',
                    'protocol': 'icmp', 'remote_ip_prefix': 'fd00::/64',
                    'remote_group_id': None, 'security_group_id': 'p'}


def test_chunks_bound_the_ids_of_one_query():
    assert [len(c) for c in sg.chunks(range(120))] == [50, 50, 20]
