"""The nova-* console scripts print nothing on stderr that the user did
not ask for (third-party deprecation warnings raised at import time)."""

import os
import shutil
import subprocess
import sys


def _script(name):
    script = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.exists(script):
        return [script]
    found = shutil.which(name)
    return [found] if found else [sys.executable, '-m', 'nova.cmd.local']


def _env():
    env = dict(os.environ)
    # Show every warning, as a user's shell with default settings would
    # show the first of each.
    env.pop('PYTHONWARNINGS', None)
    return env


def test_nova_local_status_stderr_is_clean(tmp_path):
    proc = subprocess.run(
        _script('nova-local') + ['status', '--state-dir',
                                 str(tmp_path / 'none')],
        capture_output=True, text=True, timeout=120, env=_env())
    assert proc.returncode == 3, proc.stderr
    assert 'no deployment' in proc.stdout
    assert proc.stderr == ''


def test_only_the_dsa_warning_is_filtered():
    # Other warnings of that category, and nova's own, still show.
    code = (
        'import warnings\n'
        'import nova.cmd.local\n'
        'from cryptography.utils import CryptographyDeprecationWarning\n'
        "warnings.warn('other crypto thing', CryptographyDeprecationWarning)\n"
        "warnings.warn('DSA is deprecated: not from cryptography', "
        'DeprecationWarning)\n'
        "warnings.warn('a nova warning')\n")
    proc = subprocess.run([sys.executable, '-W', 'default', '-c', code],
                          capture_output=True, text=True, timeout=120,
                          env=_env())
    assert proc.returncode == 0, proc.stderr
    assert 'DSA is deprecated and support will be removed' not in \
        proc.stderr
    assert 'other crypto thing' in proc.stderr
    assert 'DSA is deprecated: not from cryptography' in proc.stderr
    assert 'a nova warning' in proc.stderr
