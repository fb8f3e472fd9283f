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


# nova must be imported before oslo.messaging's options are listed: it
# picks oslo.service's threading backend, which cannot be changed once
# another import picked the default one.
GENERATE = ('import sys, nova; from oslo_config import generator; '
            'sys.exit(generator.main(sys.argv[1:]))')


def _generator():
    return [sys.executable, '-c', GENERATE]


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
