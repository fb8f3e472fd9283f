"""nova.policy: the enforcer over nova's rules in code."""

from oslo_policy import policy as oslo_policy
import pytest

from nova import context as nova_context
from nova import exception
from nova import policy

SERVICES_LIST = 'os_compute_api:os-services:list'
SERVER_SHOW = 'os_compute_api:servers:show'


def _ctx(roles, project_id='alpha', **kwargs):
    return nova_context.RequestContext(
        user_id='u-%s' % project_id, project_id=project_id, roles=roles,
        **kwargs)


def test_admin_rule_refuses_a_member_with_the_rule_in_the_message():
    with pytest.raises(exception.PolicyNotAuthorized) as err:
        _ctx(['member', 'reader']).can(SERVICES_LIST)
    assert err.value.code == 403
    assert str(err.value) == (
        "Policy doesn't allow %s to be performed." % SERVICES_LIST)
    assert _ctx(['admin', 'member', 'reader']).can(SERVICES_LIST)


def test_project_rules_compare_the_target_owner():
    reader = _ctx(['reader'])
    assert reader.can(SERVER_SHOW, {'project_id': 'alpha', 'user_id': 'x'})
    assert not reader.can(SERVER_SHOW, {'project_id': 'beta'}, fatal=False)
    # The default target is the caller's own project.
    assert reader.can(SERVER_SHOW)


def test_a_system_scoped_token_is_refused_by_project_scoped_rules():
    system_admin = _ctx(['admin', 'member', 'reader'], project_id=None,
                        system_scope='all')
    with pytest.raises(exception.PolicyNotAuthorized):
        system_admin.can(SERVICES_LIST, {})
    assert system_admin.can(SERVICES_LIST, {}, fatal=False) is False


def test_an_unregistered_rule_is_a_programming_error_not_a_403():
    with pytest.raises(oslo_policy.PolicyNotRegistered):
        _ctx(['admin']).can('os_compute_api:no-such-rule')


def test_check_is_admin_follows_the_context_is_admin_rule(conf, tmp_path):
    assert policy.check_is_admin(_ctx(['admin']))
    assert not policy.check_is_admin(_ctx(['member']))
    rules = tmp_path / 'policy.yaml'
    rules.write_text('"context_is_admin": "role:cloud-operator"\n')
    conf.config(policy_file=str(rules), group='oslo_policy')
    policy.reset()
    assert policy.check_is_admin(_ctx(['cloud-operator']))
    assert not policy.check_is_admin(_ctx(['admin']))


def test_config_args_keep_only_the_config_files():
    assert policy._config_args([
        '--namespace', 'nova', '--config-file', 'a.conf',
        '--config-dir=/etc/nova', '--output-file', 'x']) == [
        '--config-file', 'a.conf', '--config-dir=/etc/nova']
