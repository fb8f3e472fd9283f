import pytest

from nova.scheduler.filters import image_props_filter as ipf
from tests.unit.scheduler import fakes


def _host(supported=(('x86_64', 'kvm', 'hvm'),), version=6002000):
    return fakes.host(hypervisor_version=version,
                      extra={'supported_instances': [list(s)
                                                     for s in supported]})


def _passes(props, host=None):
    return fakes.passes(ipf.ImagePropertiesFilter(), host or _host(),
                        fakes.spec(image_props=props))


def test_image_without_requirements_passes_anywhere():
    assert _passes({})
    assert _passes({}, _host(supported=()))
    assert _passes({'os_distro': 'ubuntu'})


def test_matching_triple_passes():
    assert _passes({'hw_architecture': 'x86_64', 'img_hv_type': 'kvm',
                    'hw_vm_mode': 'hvm'})
    assert _passes({'hw_architecture': 'x86_64'})


def test_mismatching_property_fails():
    assert not _passes({'hw_architecture': 'aarch64'})
    assert not _passes({'img_hv_type': 'xen'})
    assert not _passes({'hw_vm_mode': 'exe'})


def test_host_advertising_nothing_fails_an_image_that_asks():
    assert not _passes({'hw_architecture': 'x86_64'}, _host(supported=()))


def test_aliases_are_canonicalized():
    assert _passes({'hw_architecture': 'AMD64'})
    assert _passes({'hw_vm_mode': 'hv'})
    host = _host(supported=(('i686', 'xen', 'xen'),))
    assert _passes({'hw_architecture': 'i386', 'img_hv_type': 'xapi',
                    'hw_vm_mode': 'pv'}, host)


def test_any_supported_triple_may_match():
    host = _host(supported=(('aarch64', 'kvm', 'hvm'),
                            ('x86_64', 'qemu', 'hvm')))
    assert _passes({'hw_architecture': 'x86_64', 'img_hv_type': 'qemu'},
                   host)
    assert not _passes({'hw_architecture': 'x86_64', 'img_hv_type': 'kvm'},
                       host)


@pytest.mark.parametrize('wanted,expected', [
    ('>=6.0', True), ('>= 6.2, < 7', True), ('==6.2.0', True),
    ('>6.2', False), ('<6', False), ('!=6.2', False), ('garbage', False),
])
def test_requested_hypervisor_version(wanted, expected):
    assert _passes({'hw_architecture': 'x86_64',
                    'img_hv_requested_version': wanted}) is expected


def test_version_alone_does_not_filter():
    assert _passes({'img_hv_requested_version': '>=100'})


def test_default_architecture_applies(conf):
    conf.config(image_properties_default_architecture='aarch64',
                group='filter_scheduler')
    assert not _passes({})
    assert _passes({'hw_architecture': 'x86_64'})


def test_version_to_str():
    assert ipf.version_to_str(6002000) == '6.2.0'
    assert ipf.version_to_str(1000003) == '1.0.3'


def test_runs_on_rebuild():
    assert ipf.ImagePropertiesFilter.RUN_ON_REBUILD
