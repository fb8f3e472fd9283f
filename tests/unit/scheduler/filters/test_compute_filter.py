from nova.scheduler.filters import compute_filter
from tests.unit.scheduler import fakes


def test_up_and_enabled_host_passes():
    f = compute_filter.ComputeFilter()
    assert fakes.passes(f, fakes.host(svc=fakes.service()), fakes.spec())


def test_down_disabled_or_forced_down_host_fails():
    f = compute_filter.ComputeFilter()
    for svc in (fakes.service(up=False),
                fakes.service(disabled=True, reason='maintenance'),
                fakes.service(forced_down=True)):
        assert not fakes.passes(f, fakes.host(svc=svc), fakes.spec())


def test_host_without_service_fails():
    hs = fakes.host()
    hs.service = None
    assert not fakes.passes(compute_filter.ComputeFilter(), hs, fakes.spec())


def test_runs_once_per_request_and_not_on_rebuild():
    f = compute_filter.ComputeFilter()
    assert f.run_filter_for_index(0) and not f.run_filter_for_index(1)
    assert not f.RUN_ON_REBUILD
