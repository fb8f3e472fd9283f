"""GET /allocation_candidates: flat and nested trees, traits, aggregates,
granular groups and the response formats of each microversion."""

from tests.unit.placement.conftest import new_uuid

AC = '/allocation_candidates?'


def _compute(client, name, vcpu=8, ram=4096, disk=100, parent=None):
    rp = client.create_provider(name, parent=parent)
    client.set_inventory(rp, VCPU=vcpu, MEMORY_MB=ram, DISK_GB=disk)
    return rp


def _providers_of(body):
    return sorted(tuple(sorted(req['allocations']))
                  for req in body['allocation_requests'])


def test_needs_1_10_and_resources(client):
    assert client.get(AC + 'resources=VCPU:1', version='1.9').status_int \
        == 404
    assert client.get(AC, version='1.10').status_int == 400
    assert client.get(AC + 'resources=VCPU:x').status_int == 400
    assert client.get(AC + 'resources=CUSTOM_NO:1').status_int == 400


def test_flat_candidates_skip_full_providers(client):
    a = _compute(client, 'a')
    b = _compute(client, 'b', vcpu=2)
    client.allocate(new_uuid(), {b: {'VCPU': 2}})
    body = client.get(AC + 'resources=VCPU:1,MEMORY_MB:512').json
    assert _providers_of(body) == [(a,)]
    summary = body['provider_summaries'][a]
    assert summary['resources']['VCPU'] == {'capacity': 8, 'used': 0}
    assert summary['resources']['DISK_GB'] == {'capacity': 100, 'used': 0}
    assert summary['traits'] == []
    assert summary['root_provider_uuid'] == a
    req = body['allocation_requests'][0]
    assert req['allocations'][a]['resources'] == {'VCPU': 1,
                                                  'MEMORY_MB': 512}
    assert req['mappings'] == {'': [a]}


def test_summary_lists_only_requested_classes_before_1_27(client):
    a = _compute(client, 'a')
    body = client.get(AC + 'resources=VCPU:1', version='1.26').json
    assert list(body['provider_summaries'][a]['resources']) == ['VCPU']
    assert 'root_provider_uuid' not in body['provider_summaries'][a]


def test_list_format_before_1_12(client):
    a = _compute(client, 'a')
    body = client.get(AC + 'resources=VCPU:1', version='1.10').json
    assert body['allocation_requests'] == [{'allocations': [
        {'resource_provider': {'uuid': a}, 'resources': {'VCPU': 1}}]}]
    assert 'traits' not in body['provider_summaries'][a]


def test_limit(client):
    for i in range(5):
        _compute(client, 'cn%d' % i)
    body = client.get(AC + 'resources=VCPU:1&limit=2').json
    assert len(body['allocation_requests']) == 2
    assert len(body['provider_summaries']) == 2
    assert client.get(AC + 'resources=VCPU:1&limit=0').status_int == 400
    assert client.get(AC + 'resources=VCPU:1&limit=2',
                      version='1.15').status_int == 400


def test_max_allocation_candidates_caps_the_answer(client, conf):
    conf.config(max_allocation_candidates=3, group='placement_api')
    for i in range(5):
        _compute(client, 'cn%d' % i)
    body = client.get(AC + 'resources=VCPU:1').json
    assert len(body['allocation_requests']) == 3


def test_required_forbidden_and_any_of_traits(client):
    a = _compute(client, 'a')
    b = _compute(client, 'b')
    c = _compute(client, 'c')
    client.set_traits(a, 'HW_CPU_X86_AVX2')
    client.set_traits(b, 'HW_CPU_X86_SSE')
    q = AC + 'resources=VCPU:1&required='
    assert _providers_of(client.get(q + 'HW_CPU_X86_AVX2').json) == [(a,)]
    assert _providers_of(client.get(q + '!HW_CPU_X86_AVX2').json) == \
        sorted([(b,), (c,)])
    body = client.get(q + 'in:HW_CPU_X86_AVX2,HW_CPU_X86_SSE').json
    assert _providers_of(body) == sorted([(a,), (b,)])
    assert client.get(q + 'HW_CPU_X86_AVX2', version='1.16').status_int \
        == 400
    assert client.get(q + 'CUSTOM_UNKNOWN').status_int == 400
    assert client.get(q + 'HW_CPU_X86_AVX2,!HW_CPU_X86_AVX2').status_int \
        == 400
    assert client.get(q + 'in:HW_CPU_X86_AVX2,HW_CPU_X86_SSE',
                      version='1.38').status_int == 400


def test_member_of(client):
    a = _compute(client, 'a')
    b = _compute(client, 'b')
    agg1, agg2 = new_uuid(), new_uuid()
    client.set_aggregates(a, agg1)
    client.set_aggregates(b, agg2)
    q = AC + 'resources=VCPU:1&member_of='
    assert _providers_of(client.get(q + agg1).json) == [(a,)]
    assert _providers_of(client.get(q + 'in:%s,%s' % (agg1, agg2)).json) \
        == sorted([(a,), (b,)])
    assert _providers_of(client.get(q + '!' + agg1).json) == [(b,)]
    assert _providers_of(client.get(q + new_uuid()).json) == []
    assert _providers_of(client.get(
        q + agg1 + '&member_of=' + agg2).json) == []


def test_nested_tree_combines_providers(client):
    root = client.create_provider('cn')
    client.set_inventory(root, VCPU=8, MEMORY_MB=4096)
    numa0 = client.create_provider('cn-numa0', parent=root)
    numa1 = client.create_provider('cn-numa1', parent=root)
    client.set_inventory(numa0, VGPU=1)
    client.set_inventory(numa1, VGPU=2)
    body = client.get(AC + 'resources=VCPU:1,VGPU:1').json
    assert _providers_of(body) == sorted([
        tuple(sorted((root, numa0))), tuple(sorted((root, numa1)))])
    # The whole tree is summarized from 1.29 on.
    assert set(body['provider_summaries']) == {root, numa0, numa1}
    assert body['provider_summaries'][numa0]['parent_provider_uuid'] == root
    # Before 1.29 a request may not span providers of one tree.
    body = client.get(AC + 'resources=VCPU:1,VGPU:1', version='1.28').json
    assert body['allocation_requests'] == []
    body = client.get(AC + 'resources=VCPU:1', version='1.28').json
    assert _providers_of(body) == [(root,)]


def test_granular_groups_and_isolation(client):
    root = client.create_provider('cn')
    client.set_inventory(root, VCPU=8)
    pf1 = client.create_provider('pf1', parent=root)
    pf2 = client.create_provider('pf2', parent=root)
    client.set_inventory(pf1, SRIOV_NET_VF=4)
    client.set_inventory(pf2, SRIOV_NET_VF=4)
    client.set_traits(pf2, 'CUSTOM_PHYSNET_B')
    q = (AC + 'resources=VCPU:1&resources1=SRIOV_NET_VF:1'
         '&resources2=SRIOV_NET_VF:1')
    assert client.get(q).status_int == 400  # group_policy missing
    body = client.get(q + '&group_policy=isolate').json
    mappings = sorted((r['mappings']['1'][0], r['mappings']['2'][0])
                      for r in body['allocation_requests'])
    assert mappings == sorted([(pf1, pf2), (pf2, pf1)])
    body = client.get(q + '&group_policy=none').json
    assert len(body['allocation_requests']) == 4
    both = [r for r in body['allocation_requests']
            if r['mappings']['1'] == r['mappings']['2']]
    for req in both:
        pf = req['mappings']['1'][0]
        assert req['allocations'][pf]['resources'] == {'SRIOV_NET_VF': 2}
    body = client.get(AC + 'resources=VCPU:1&resources1=SRIOV_NET_VF:1'
                      '&required1=CUSTOM_PHYSNET_B').json
    assert [r['mappings']['1'] for r in body['allocation_requests']] == \
        [[pf2]]
    assert client.get(AC + 'resources1=SRIOV_NET_VF:1',
                      version='1.24').status_int == 400
    assert client.get(AC + 'resourcesX=SRIOV_NET_VF:1',
                      version='1.32').status_int == 400
    assert client.get(AC + 'resources_X=SRIOV_NET_VF:1',
                      version='1.33').status_int == 200


def test_granular_on_a_flat_provider(client):
    a = _compute(client, 'a')
    body = client.get(AC + 'resources1=VCPU:1&resources2=VCPU:2'
                      '&group_policy=none').json
    req = body['allocation_requests'][0]
    assert req['allocations'][a]['resources'] == {'VCPU': 3}
    assert req['mappings'] == {'1': [a], '2': [a]}
    body = client.get(AC + 'resources1=VCPU:1&resources2=VCPU:2'
                      '&group_policy=isolate').json
    assert body['allocation_requests'] == []


def test_in_tree_and_root_required(client):
    a = _compute(client, 'a')
    b = _compute(client, 'b')
    client.set_traits(b, 'COMPUTE_STATUS_DISABLED')
    assert _providers_of(client.get(
        AC + 'resources=VCPU:1&in_tree=%s' % a).json) == [(a,)]
    assert client.get(AC + 'resources=VCPU:1&in_tree=%s' % a,
                      version='1.30').status_int == 400
    assert _providers_of(client.get(
        AC + 'resources=VCPU:1&in_tree=%s' % new_uuid()).json) == []
    assert _providers_of(client.get(
        AC + 'resources=VCPU:1&root_required=!COMPUTE_STATUS_DISABLED'
    ).json) == [(a,)]


def test_same_subtree_with_resourceless_group(client):
    root = client.create_provider('cn')
    client.set_inventory(root, VCPU=8)
    numa0 = client.create_provider('numa0', parent=root)
    numa1 = client.create_provider('numa1', parent=root)
    client.set_traits(numa0, 'HW_NUMA_ROOT')
    client.set_traits(numa1, 'HW_NUMA_ROOT')
    gpu0 = client.create_provider('gpu0', parent=numa0)
    client.set_inventory(gpu0, VGPU=2)
    q = (AC + 'resources=VCPU:1&resources_GPU=VGPU:1'
         '&required_NUMA=HW_NUMA_ROOT&group_policy=none')
    assert client.get(q).status_int == 400   # resourceless outside subtree
    body = client.get(q + '&same_subtree=_GPU,_NUMA').json
    assert [r['mappings']['_NUMA'] for r in body['allocation_requests']] \
        == [[numa0]]
    assert client.get(q + '&same_subtree=_GPU,_NUMA',
                      version='1.35').status_int == 400


def test_unsuffixed_traits_may_come_from_any_provider_of_the_tree(client):
    root = client.create_provider('cn')
    client.set_inventory(root, VCPU=8)
    child = client.create_provider('nic', parent=root)
    client.set_inventory(child, SRIOV_NET_VF=2)
    client.set_traits(child, 'CUSTOM_FAST')
    body = client.get(AC + 'resources=VCPU:1,SRIOV_NET_VF:1'
                      '&required=CUSTOM_FAST').json
    assert len(body['allocation_requests']) == 1
    body = client.get(AC + 'resources=VCPU:1,SRIOV_NET_VF:1'
                      '&required=!CUSTOM_FAST').json
    assert body['allocation_requests'] == []


def test_randomized_candidates_are_the_same_set(client, conf):
    conf.config(randomize_allocation_candidates=True, group='placement_api')
    rps = [_compute(client, 'cn%d' % i) for i in range(4)]
    body = client.get(AC + 'resources=VCPU:1').json
    assert _providers_of(body) == sorted((rp,) for rp in rps)
