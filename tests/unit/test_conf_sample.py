"""The committed etc/nova/nova.conf.sample matches the options in code.

Regenerate it with:
    oslo-config-generator --config-file etc/nova/nova-config-generator.conf
"""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
GENERATOR_CONF = os.path.join(ROOT, 'etc', 'nova',
                              'nova-config-generator.conf')
SAMPLE = os.path.join(ROOT, 'etc', 'nova', 'nova.conf.sample')


def _generator():
    exe = os.path.join(os.path.dirname(sys.executable),
                       'oslo-config-generator')
    if os.path.exists(exe):
        return [exe]
    return [sys.executable, '-m', 'oslo_config.generator']


def test_committed_sample_is_up_to_date(tmp_path):
    out = tmp_path / 'nova.conf.sample'
    result = subprocess.run(
        _generator() + ['--config-file', GENERATOR_CONF,
                        '--output-file', str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    with open(SAMPLE) as f:
        committed = f.read()
    generated = out.read_text()
    assert generated == committed, (
        'etc/nova/nova.conf.sample is stale; regenerate it with '
        '"oslo-config-generator --config-file '
        'etc/nova/nova-config-generator.conf" and commit it.')
