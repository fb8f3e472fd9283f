"""tempest.conf for a local nova deployment with fake computes.

``sections(params)`` returns {section: {option: value}}; ``render()``
turns that into INI text. ``params`` (a dict) holds what the run set up:

    auth_url          Keystone v3 URL, e.g. http://127.0.0.1:15000/v3
    admin_password    password of the bootstrap admin (user/project admin)
    image_ref, image_ref_alt, flavor_ref, flavor_ref_alt
    min_microversion, max_microversion   (default 2.1 / 2.100)
    computes          number of compute hosts (default 2)
    log_file          where Tempest logs (optional)
    lock_path         directory for Tempest's locks (optional)
    neutron_url       with a Neutron (optional): the deployment gets its
                      ports there, Tempest tests the network side too
    public_network_id, floating_network_name, network_extensions
                      (with neutron_url) the external network and the
                      aliases of Neutron's /v2.0/extensions

The [compute-feature-enabled] flags say what the fake virt driver can do:
the guest is a record, so there is no network, no console other than the
log, no metadata service and no config drive; volumes and networks are
other services, marked unavailable. With ``neutron_url`` Neutron is
available: Tempest makes a network, subnet and router per test project
(as upstream CI does) and servers get ports there; the fake computes
plug them for the harness L2 agent of tools/neutron, so interface
attach/detach works.

Run as a script it reads the params as JSON from a file and writes the
configuration: ``python tempest_conf.py params.json tempest.conf``.
"""

import json
import sys

# What the fake computes support (True) or not (False).
COMPUTE_FEATURES = {
    'resize': True,
    'cold_migration': True,
    'live_migration': True,
    'block_migration_for_live_migration': True,
    'live_migrate_back_and_forth': False,
    'can_migrate_between_any_hosts': True,
    'shelve': True,
    'shelve_migrate': True,
    'pause': True,
    'suspend': True,
    'rescue': True,
    'stable_rescue': False,
    'snapshot': True,
    'change_password': True,
    'enable_instance_password': True,
    'console_output': True,
    'disk_config': True,
    'interface_attach': False,
    'vnc_console': False,
    'spice_console': False,
    'serial_console': False,
    'personality': True,
    'config_drive': False,
    'metadata_service': False,
    'attach_encrypted_volume': False,
    'swap_volume': False,
    'volume_multiattach': False,
    'volume_backed_live_migration': False,
    'ide_bus': False,
    'unified_limits': False,
    'vtpm_live_migration': False,
}

# The scheduler filters of nova/conf/filter_scheduler.py (defaults):
# Tempest skips tests whose filter is not in this list.
SCHEDULER_FILTERS = [
    'ComputeFilter', 'AvailabilityZoneFilter', 'ComputeCapabilitiesFilter',
    'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter',
    'ServerGroupAffinityFilter',
]

SERVICES = {
    'nova': True,
    'glance': True,
    'keystone': True,
    'placement': True,
    'neutron': False,
    'cinder': False,
    'swift': False,
    'heat': False,
    'horizon': False,
}


def _bool(value):
    return 'true' if value else 'false'


def sections(params):
    """{section: {option: str}} of tempest.conf for ``params``."""
    auth_url = params['auth_url'].rstrip('/')
    conf = {
        'DEFAULT': {
            'log_file': params.get('log_file', 'tempest.log'),
            'debug': 'true',
            'use_stderr': 'false',
        },
        'oslo_concurrency': {
            'lock_path': params.get('lock_path', 'tempest_lock'),
        },
        'auth': {
            'use_dynamic_credentials': 'true',
            'create_isolated_networks': 'false',
            'admin_username': 'admin',
            'admin_password': params['admin_password'],
            'admin_project_name': 'admin',
            'admin_domain_name': 'Default',
            'default_credentials_domain_name': 'Default',
        },
        'identity': {
            'auth_version': 'v3',
            'uri_v3': auth_url,
            'region': 'RegionOne',
            'disable_ssl_certificate_validation': 'true',
        },
        'identity-feature-enabled': {
            'api_v2': 'false',
            'api_v3': 'true',
        },
        'compute': {
            'image_ref': params['image_ref'],
            'image_ref_alt': params['image_ref_alt'],
            'flavor_ref': params['flavor_ref'],
            'flavor_ref_alt': params['flavor_ref_alt'],
            'min_microversion': params.get('min_microversion', '2.1'),
            'max_microversion': params.get('max_microversion', '2.100'),
            'min_compute_nodes': str(params.get('computes', 2)),
            'region': 'RegionOne',
            'endpoint_type': 'public',
            'build_timeout': str(params.get('build_timeout', 120)),
            'build_interval': '1',
            'hypervisor_type': 'fake',
            'shelved_offload_time': '0',
        },
        'compute-feature-enabled': dict(
            {k: _bool(v) for k, v in COMPUTE_FEATURES.items()},
            scheduler_enabled_filters=','.join(SCHEDULER_FILTERS)),
        'image': {
            'region': 'RegionOne',
            'endpoint_type': 'public',
        },
        'image-feature-enabled': {
            # The image face of the deployment is read-only.
            'api_v2': 'true',
            'import_image': 'false',
        },
        'placement': {
            'region': 'RegionOne',
            'endpoint_type': 'public',
        },
        'validation': {
            # Guests of the fake driver cannot be reached over SSH.
            'run_validation': 'false',
            'connect_method': 'fixed',
        },
        'network-feature-enabled': {
            'ipv6': 'false',
        },
        'service_available': {k: _bool(v) for k, v in SERVICES.items()},
    }
    if params.get('neutron_url'):
        _with_neutron(conf, params)
    return conf


def _with_neutron(conf, params):
    conf['service_available']['neutron'] = 'true'
    conf['auth']['create_isolated_networks'] = 'true'
    conf['compute-feature-enabled']['interface_attach'] = 'true'
    conf['network'] = {
        'region': 'RegionOne',
        'endpoint_type': 'public',
        'public_network_id': params['public_network_id'],
        'floating_network_name': params.get('floating_network_name',
                                            'public'),
        # Per-project subnets, /28 each; guests are not reachable from
        # the test client (fake driver, no SSH validation).
        'project_network_cidr': '10.100.0.0/16',
        'project_network_mask_bits': '28',
        'project_networks_reachable': 'false',
        'shared_physical_network': 'false',
    }
    features = conf['network-feature-enabled']
    features['api_extensions'] = ','.join(
        sorted(params.get('network_extensions', ())))
    features['floating_ips'] = 'true'
    features['port_security'] = _bool(
        'port-security' in params.get('network_extensions', ()))
    # No radvd in the local Neutron (tools/neutron/README.md).
    features['ipv6'] = 'false'
    # As devstack: with "floating" the classes that call
    # prepare_instance_network() (server actions, ...) get their project
    # network even though nothing is validated over SSH (run_validation
    # stays false); with "fixed" their servers would have no port.
    conf['validation']['connect_method'] = 'floating'


def render(conf):
    lines = []
    for section, options in conf.items():
        lines.append('[%s]' % section)
        for key, value in options.items():
            lines.append('%s = %s' % (key, value))
        lines.append('')
    return '\n'.join(lines)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: %s PARAMS.json TEMPEST.conf\n' % argv[0])
        return 2
    with open(argv[1]) as f:
        params = json.load(f)
    with open(argv[2], 'w') as f:
        f.write(render(sections(params)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
