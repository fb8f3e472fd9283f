"""tools/tempest/summary.py: the known-failures list decides the exit
status."""

import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, '..', '..', '..', 'tools', 'tempest',
                    'summary.py')
KNOWN = os.path.join(HERE, '..', '..', '..', 'tools', 'tempest',
                     'known-failures.txt')


def _module():
    spec = importlib.util.spec_from_file_location('tempest_summary', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(module, tmp_path, monkeypatch, passed, failed, known_text):
    known = tmp_path / 'known.txt'
    known.write_text(known_text)
    monkeypatch.setattr(module, 'summarize', lambda path: (
        passed, failed, [], {t: 'Traceback\nBoom: %s\n' % t
                             for t in failed}))
    return module.main(['summary.py', '--known', str(known),
                        'results.subunit', str(tmp_path / 'summary.txt')])


def test_known_failures_pass_new_ones_fail(tmp_path, monkeypatch, capsys):
    module = _module()
    known = ('# comment\n\n'
             'tempest.api.compute.a.T.test_x  # no such feature\n'
             'setUpClass (tempest.api.compute.b.C)  # proxy API\n')
    failed = ['tempest.api.compute.a.T.test_x[id-1,smoke]',
              'setUpClass (tempest.api.compute.b.C)']
    assert _run(module, tmp_path, monkeypatch, ['p.q[id-2]'], failed,
                known) == 0
    assert _run(module, tmp_path, monkeypatch, ['p.q[id-2]'],
                failed + ['tempest.api.compute.c.T.test_y[id-3]'],
                known) == 1
    out = capsys.readouterr().out
    assert 'tempest.api.compute.c.T.test_y' in out
    assert 'NEW' in (tmp_path / 'summary.txt').read_text()


def test_no_results_fail(tmp_path, monkeypatch):
    assert _run(_module(), tmp_path, monkeypatch, [], [], '') == 1


def test_the_list_parses():
    known = _module().read_known(KNOWN)
    for test, reason in known.items():
        assert test.startswith(('tempest.', 'setUpClass (tempest.')), test
        assert reason, test
