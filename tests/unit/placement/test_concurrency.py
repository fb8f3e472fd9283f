"""Writers racing for the same provider: capacity is never oversold."""

import threading

from tests.unit.placement.conftest import new_uuid


def test_parallel_claims_never_exceed_capacity(client):
    rp = client.create_provider('cn1')
    client.set_inventory(rp, VCPU=5)
    statuses = []
    lock = threading.Lock()

    def claim():
        resp = client.put('/allocations/%s' % new_uuid(), {
            'allocations': {rp: {'resources': {'VCPU': 1}}},
            'project_id': 'p', 'user_id': 'u', 'consumer_generation': None,
            'consumer_type': 'INSTANCE'})
        with lock:
            statuses.append(resp.status_int)

    threads = [threading.Thread(target=claim) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(204) == 5
    assert set(statuses) == {204, 409}
    usages = client.get('/resource_providers/%s/usages' % rp).json
    assert usages['usages']['VCPU'] == 5
