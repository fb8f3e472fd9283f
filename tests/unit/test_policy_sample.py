"""The oslopolicy-* tools find nova's rules through the entry points, and
the committed etc/nova/policy.yaml.sample matches the rules in code.

Regenerate the sample with:
    oslopolicy-sample-generator --config-file etc/nova/nova-policy-generator.conf
"""

import os
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
GENERATOR_CONF = os.path.join(ROOT, 'etc', 'nova',
                              'nova-policy-generator.conf')
SAMPLE = os.path.join(ROOT, 'etc', 'nova', 'policy.yaml.sample')


def _tool(name):
    path = os.path.join(os.path.dirname(sys.executable), name)
    if not os.path.exists(path):
        path = shutil.which(name)
    if not path:
        pytest.skip('%s is not installed' % name)
    return path


def _run(*args):
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_committed_policy_sample_is_up_to_date(tmp_path):
    out = tmp_path / 'policy.yaml.sample'
    _run(_tool('oslopolicy-sample-generator'),
         '--config-file', GENERATOR_CONF, '--output-file', str(out))
    with open(SAMPLE) as f:
        committed = f.read()
    assert out.read_text() == committed, (
        'etc/nova/policy.yaml.sample is stale; regenerate it with '
        'oslopolicy-sample-generator --config-file %s' % GENERATOR_CONF)


def test_policy_generator_merges_the_operators_overrides(tmp_path):
    overrides = tmp_path / 'policy.yaml'
    overrides.write_text(
        '"os_compute_api:os-services:list": "role:member"\n')
    conf = tmp_path / 'nova.conf'
    conf.write_text('[oslo_policy]\npolicy_file = %s\n' % overrides)
    out = tmp_path / 'effective.yaml'
    _run(_tool('oslopolicy-policy-generator'), '--namespace', 'nova',
         '--config-file', str(conf), '--output-file', str(out))
    effective = yaml.safe_load(out.read_text())
    assert effective['os_compute_api:os-services:list'] == 'role:member'
    # Everything else keeps its default from code.
    assert effective['os_compute_api:os-hypervisors:list'] == (
        'rule:context_is_admin')
    assert effective['os_compute_api:servers:create'] == (
        'rule:project_member_or_admin')
