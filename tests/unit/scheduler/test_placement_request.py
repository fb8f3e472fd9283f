"""The GET /allocation_candidates query built from a request spec."""

import urllib.parse

import pytest

from nova import exception
from nova import objects
from nova.scheduler import placement_request


def _spec(extra_specs=None, image_props=None, swap=0, **flavor):
    objects.register_all()
    values = dict(vcpus=2, memory_mb=2048, root_gb=10, ephemeral_gb=5,
                  swap=swap, extra_specs=extra_specs or {})
    values.update(flavor)
    return objects.RequestSpec(
        flavor=objects.Flavor(**values),
        image=objects.ImageMeta(properties=image_props or {}))


def _params(request):
    return dict(urllib.parse.parse_qsl(request.query()))


def test_flavor_size_with_swap_rounded_up_to_gib(conf):
    request = placement_request.from_spec(_spec(swap=1500))
    assert _params(request) == {
        'resources': 'DISK_GB:17,MEMORY_MB:2048,VCPU:2', 'limit': '1000'}


def test_resource_extra_specs_override_add_and_drop(conf):
    request = placement_request.from_spec(_spec({
        'resources:VCPU': '0', 'resources:CUSTOM_FPGA': '1',
        'resources:MEMORY_MB': '4096'}))
    assert _params(request)['resources'] == \
        'CUSTOM_FPGA:1,DISK_GB:15,MEMORY_MB:4096'


def test_traits_from_flavor_and_image(conf):
    request = placement_request.from_spec(_spec(
        {'trait:HW_CPU_X86_AVX2': 'required',
         'trait:CUSTOM_SLOW': 'forbidden'},
        image_props={'trait:CUSTOM_IMAGE_OK': 'required'}))
    assert _params(request)['required'] == \
        'CUSTOM_IMAGE_OK,HW_CPU_X86_AVX2,!CUSTOM_SLOW'
    assert 'required traits CUSTOM_IMAGE_OK, HW_CPU_X86_AVX2' in \
        request.describe()


def test_granular_groups_and_policy(conf):
    request = placement_request.from_spec(_spec({
        'resources1:SRIOV_NET_VF': '1', 'trait1:CUSTOM_PHYSNET_A':
        'required', 'resources2:SRIOV_NET_VF': '1',
        'group_policy': 'isolate'}))
    params = _params(request)
    assert params['resources1'] == 'SRIOV_NET_VF:1'
    assert params['required1'] == 'CUSTOM_PHYSNET_A'
    assert params['resources2'] == 'SRIOV_NET_VF:1'
    assert params['group_policy'] == 'isolate'


def test_group_with_only_traits_joins_the_unnumbered_group(conf):
    request = placement_request.from_spec(_spec({
        'trait1:CUSTOM_X': 'required'}))
    params = _params(request)
    assert params['required'] == 'CUSTOM_X' and 'required1' not in params


def test_limit_follows_the_option(conf):
    conf.config(max_placement_results=50, group='scheduler')
    assert _params(placement_request.from_spec(_spec()))['limit'] == '50'


@pytest.mark.parametrize('extra_specs', [
    {'resources:VCPU': 'two'}, {'resources:VCPU': '-1'},
    {'trait:CUSTOM_X': 'maybe'}])
def test_bad_extra_specs_are_refused_with_the_key(conf, extra_specs):
    with pytest.raises(exception.Invalid) as info:
        placement_request.from_spec(_spec(extra_specs))
    assert list(extra_specs)[0].split(':')[1] in info.value.format_message()


def _aggregate(uuid, hosts=(), **metadata):
    return objects.Aggregate(uuid=uuid, name=uuid, hosts=list(hosts),
                             metadata=metadata)


def test_availability_zone_limits_to_its_aggregates(conf):
    spec = _spec()
    spec.availability_zone = 'az1'
    aggregates = [_aggregate('a1', availability_zone='az1'),
                  _aggregate('a2', availability_zone='az2'),
                  _aggregate('a3', availability_zone='az1')]
    request = placement_request.build(spec, aggregates)
    assert _params(request)['member_of'] == 'in:a1,a3'
    assert 'hosts of availability zone az1' in request.describe()


def test_project_limited_to_the_aggregates_naming_it(conf):
    conf.config(limit_tenants_to_placement_aggregate=True,
                group='scheduler')
    spec = _spec()
    spec.project_id = 'p1'
    aggregates = [_aggregate('a1', filter_tenant_id='p1'),
                  _aggregate('a2', filter_tenant_id_2='p0, p1'),
                  _aggregate('a3', filter_tenant_id='p2')]
    assert _params(placement_request.build(spec, aggregates))[
        'member_of'] == 'in:a1,a2'
    spec.project_id = 'p9'
    assert 'member_of' not in _params(placement_request.build(
        spec, aggregates))
    conf.config(placement_aggregate_required_for_tenants=True,
                group='scheduler')
    with pytest.raises(exception.NoValidHost):
        placement_request.build(spec, aggregates)
