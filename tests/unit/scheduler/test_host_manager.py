"""The host manager's view of where instances are, as the scheduler's own
claims and the computes' reports keep it, against real SQLite cell
databases and the real placement application."""

import uuid

from nova import objects
from tests.unit.conftest import make_flavor
from tests.unit.scheduler.test_manager import _host
from tests.unit.scheduler.test_manager import _spec
from tests.unit.scheduler.test_manager import sched  # noqa: F401


def _place(cells, placement, sched, spec, ignore=()):
    """Schedule ``spec``'s instance (a build, or a move off ``ignore``)
    and report it built there, as the chosen compute does."""
    spec.ignore_hosts = list(ignore)
    if ignore:
        # As the conductor does: the source's allocation is held by the
        # migration while the instance claims the destination.
        placement.client.move_allocations(cells.context, spec.instance_uuid,
                                          str(uuid.uuid4()))
    [[chosen]] = sched.select_destinations(cells.context, spec,
                                           [spec.instance_uuid])
    _report_built(cells, sched, spec.instance_uuid, chosen.service_host)
    return chosen.service_host


def _report_built(cells, sched, uuid, host):
    sched.update_instance_info(cells.context, host, [objects.Instance(
        uuid=uuid, host=host, node=host)])


def _states(cells, sched):
    return {hs.host: hs
            for hs in sched.host_manager.all_host_states(cells.context)}


def _where(cells, sched, uuid):
    """Hosts counting ``uuid``: by their states and for server groups."""
    by_state = sorted(host for host, hs in _states(cells, sched).items()
                      if uuid in hs.instances)
    assert by_state == sched.host_manager.hosts_of_instances({uuid})
    return by_state


def test_confirmed_resize_leaves_the_instance_on_the_destination_only(
        cells, placement, sched):
    for name in ('c1', 'c2', 'c3'):
        _host(cells, placement, name)
    spec = _spec(make_flavor(cells.context, memory_mb=512, root_gb=1))
    source = _place(cells, placement, sched, spec)
    dest = _place(cells, placement, sched, spec, ignore=[source])
    # During VERIFY_RESIZE the source still has the guest.
    assert _where(cells, sched, spec.instance_uuid) == sorted([source, dest])
    # The confirm on the source: the build's claim there is over too.
    sched.delete_instance_info(cells.context, source, spec.instance_uuid)
    assert _where(cells, sched, spec.instance_uuid) == [dest]


def test_reverted_resize_leaves_the_instance_on_the_source_only(
        cells, placement, sched):
    for name in ('c1', 'c2', 'c3'):
        _host(cells, placement, name)
    spec = _spec(make_flavor(cells.context, memory_mb=512, root_gb=1))
    source = _place(cells, placement, sched, spec)
    dest = _place(cells, placement, sched, spec, ignore=[source])
    # The revert: the destination drops its copy, the source takes the
    # instance back.
    sched.delete_instance_info(cells.context, dest, spec.instance_uuid)
    _report_built(cells, sched, spec.instance_uuid, source)
    assert _where(cells, sched, spec.instance_uuid) == [source]


def test_a_claim_counts_the_resources_until_the_record_shows_them(
        cells, placement, sched):
    _host(cells, placement, 'c1', memory_mb=8192)
    spec = _spec(make_flavor(cells.context, memory_mb=512, root_gb=1))
    free = _states(cells, sched)['c1'].free_ram_mb
    _place(cells, placement, sched, spec)
    # The compute's report does not end the claim on its own host: the
    # node record, not written yet, does not count the instance.
    assert _states(cells, sched)['c1'].free_ram_mb == free - 512
