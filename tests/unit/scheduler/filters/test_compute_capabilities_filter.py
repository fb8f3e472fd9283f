from nova.scheduler.filters import compute_capabilities_filter as ccf
from tests.unit.scheduler import fakes


def _host():
    return fakes.host(vcpus=8, free_ram_mb=1024,
                      cpu_info='{"arch": "x86_64", "features": ["aes", '
                               '"avx"], "topology": {"cores": 4}}',
                      extra={'stats': {'gpu_model': 'a100'}})


def _passes(extra_specs):
    return fakes.passes(ccf.ComputeCapabilitiesFilter(), _host(),
                        fakes.spec(extra_specs=extra_specs))


def test_no_extra_specs_passes():
    assert _passes({})


def test_other_scopes_are_ignored():
    assert _passes({'hw:cpu_policy': 'dedicated',
                    'resources:VCPU': '2', 'trait:FOO': 'required'})


def test_scoped_capability_matches_host_attribute():
    assert _passes({'capabilities:vcpus_total': '>= 8'})
    assert not _passes({'capabilities:vcpus_total': '>= 9'})
    assert _passes({'capabilities:hypervisor_type': 's== QEMU'})


def test_nested_capability_reads_dicts():
    assert _passes({'capabilities:cpu_info:arch': 'x86_64'})
    assert not _passes({'capabilities:cpu_info:arch': 'aarch64'})
    assert _passes({'capabilities:cpu_info:topology:cores': '== 4'})
    assert _passes({'capabilities:cpu_info:features': '<in> avx'})


def test_stats_are_capabilities_too():
    assert _passes({'capabilities:gpu_model': 'a100'})
    assert not _passes({'capabilities:gpu_model': 'v100'})


def test_missing_capability_fails():
    assert not _passes({'capabilities:cpu_info:nope': '1'})
    assert not _passes({'capabilities:nothing_like_it': '1'})


def test_unscoped_key_counts_only_when_the_host_has_it():
    assert _passes({'some_other_thing': 'x'})
    assert _passes({'free_ram_mb': '>= 512'})
    assert not _passes({'free_ram_mb': '>= 2048'})
    assert not _passes({'gpu_model': 'v100'})


def test_every_spec_must_match():
    assert not _passes({'capabilities:cpu_info:arch': 'x86_64',
                        'capabilities:vcpus_total': '>= 100'})
