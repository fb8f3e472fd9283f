"""Server actions that the [upgrade_levels] compute pin refuses: the API
answers 409 naming the method and the pin, and the server is left as it
was (no task_state waiting for a cast that was never sent)."""

import pytest

from nova.compute import rpcapi as compute_rpcapi
from nova import exception
from nova.states import vm_states
from tests.unit.compute.test_api_basic import _ctx
from tests.unit.compute.test_api_basic import _reload
from tests.unit.compute.test_api_basic import api  # noqa: F401
from tests.unit.compute.test_api_basic import server  # noqa: F401


@pytest.mark.parametrize('method,args,vm_state', [
    ('pause', (), vm_states.ACTIVE),
    ('suspend', (), vm_states.ACTIVE),
    ('rescue', (), vm_states.STOPPED),
    ('set_admin_password', ('pw',), vm_states.ACTIVE),
])
def test_action_newer_than_the_pin_leaves_the_server_alone(
        api, server, conf, method, args, vm_state):  # noqa: F811
    conf.config(compute='1.0', group='upgrade_levels')
    api.compute_rpcapi = compute_rpcapi.ComputeAPI()
    inst = server(vm_state=vm_state)
    with pytest.raises(exception.RPCVersionPinned) as info:
        getattr(api, method)(_ctx(), inst, *args)
    assert info.value.code == 409
    got = _reload(api, inst)
    assert got.task_state is None
    assert got.vm_state == vm_state
