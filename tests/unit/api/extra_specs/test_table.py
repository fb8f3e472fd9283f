"""The table of known flavor extra specs: for each namespace a value it
takes and one it refuses (with a message naming the key and what is
allowed), unknown keys of known namespaces refused, everything else let
through."""

import pytest

from nova.api import extra_specs
from nova import exception

# (key, a value it takes, a value it refuses, words of the refusal)
CASES = [
    ('hw:cpu_policy', 'dedicated', 'bogus',
     'one of: dedicated, shared, mixed'),
    ('hw:numa_cpus.1', '0-3,^2', '0-', 'a set of CPU numbers'),
    ('hw:numa_mem.0', '1024', '0', 'an integer of at least 1'),
    ('hw:mem_page_size', '2MiB', 'huge', 'large, small, any'),
    ('hw:cpu_max_sockets', '2', 'two', 'an integer of at least 1'),
    ('hw:redirected_usb_ports', '15', '16', 'an integer from 0 to 15'),
    ('hw_rng:allowed', 'yes', 'perhaps', 'a boolean'),
    ('hw_video:ram_max_mb', '64', '-1', 'an integer of at least 0'),
    ('os:secure_boot', 'required', 'optional', 'one of: disabled, required'),
    ('quota:disk_read_iops_sec', '1000', '1k', 'an integer of at least 0'),
    ('quota:memory_shares_level', 'high', 'highest',
     'one of: custom, high, normal, low'),
    ('resources:VCPU', '1', 'one', 'an integer of at least 0'),
    ('resources1:CUSTOM_X', '2', '-2', 'an integer of at least 0'),
    ('resources_gpu:VGPU', '1', '1.5', 'an integer'),
    ('trait:HW_CPU_X86_AVX2', 'required', 'wanted',
     'one of: required, forbidden'),
    ('trait2:CUSTOM_FAST_DISK', 'forbidden', 'Required',
     'one of: required, forbidden'),
    ('pci_passthrough:alias', 'gpu:1, nic:2', 'gpu', 'alias:count pairs'),
    ('powervm:shared_weight', '128', '256', 'an integer from 0 to 255'),
    ('group_policy', 'isolate', 'separate', 'one of: isolate, none'),
    ('hide_hypervisor_id', 'true', 'hidden', 'a boolean'),
]

# Keys whose values are any text: only the key is checked.
ANY_VALUE = ['accel:device_profile', 'aggregate_instance_extra_specs:ssd',
             'capabilities:hypervisor_type', 'capabilities:cpu_info:arch',
             'vmware:hw_version']

UNKNOWN_IN_KNOWN_NAMESPACES = [
    'hw:cpu_polcy', 'hw:numa_cpus.x', 'hw_rng:rate', 'hw_video:ram',
    'os:secureboot', 'quota:cpu_limits', 'resources:NOT_A_CLASS',
    'resources1:custom_x', 'trait:NOT_A_TRAIT', 'accel:profile',
    'pci_passthrough:aliases', 'capabilities:no_such_thing',
    'vmware:hw', 'powervm:min_memory',
]


@pytest.mark.parametrize('key,good,bad,allowed', CASES,
                         ids=[c[0] for c in CASES])
def test_value_taken_and_refused(key, good, bad, allowed):
    extra_specs.check(key, good)
    with pytest.raises(exception.FlavorExtraSpecValueInvalid) as err:
        extra_specs.check(key, bad)
    message = err.value.format_message()
    assert "'%s'" % key in message and "'%s'" % bad in message
    assert allowed in message
    assert err.value.code == 400


@pytest.mark.parametrize('key', ANY_VALUE)
def test_keys_taking_any_text(key):
    extra_specs.check(key, '<in> anything at all')


@pytest.mark.parametrize('key', UNKNOWN_IN_KNOWN_NAMESPACES)
def test_unknown_key_of_a_known_namespace_is_refused(key):
    with pytest.raises(exception.FlavorExtraSpecUnknown) as err:
        extra_specs.check(key, '1')
    message = err.value.format_message()
    assert "'%s'" % key in message
    assert "'%s'" % key.split(':')[0] in message


@pytest.mark.parametrize('key', ['color', 'acme:cpu_policy',
                                 'hw_acme:x', 'HW:cpu_policy'])
def test_keys_outside_known_namespaces_pass(key):
    extra_specs.check(key, 'bogus')


def test_check_all_names_the_first_bad_key():
    with pytest.raises(exception.FlavorExtraSpecValueInvalid) as err:
        extra_specs.check_all({'hw:numa_nodes': '2', 'hw:cpu_policy': 'x',
                               'hw:watchdog_action': 'explode'})
    assert "'hw:cpu_policy'" in err.value.format_message()


def test_every_entry_compiles_and_is_found_by_its_own_key():
    from nova.api.extra_specs import table
    for spec in table.SPECS:
        if not spec.parts:
            assert extra_specs.find(spec.key) is spec
        assert spec.description
