"""The compute_id file: the uuids of a host's nodes across restarts."""

import os

from nova.virt import node_identity

U1 = '5b1a8f52-1d0e-4c57-9c3a-0f0d8b7e2a11'
U2 = 'c7a9e0d4-3b2f-4f6e-8d1c-9a8b7c6d5e42'


def test_missing_file_remembers_nothing(tmp_path):
    assert node_identity.NodeIdentity(str(tmp_path)).read(['n1']) == {}


def test_write_then_read(tmp_path):
    ident = node_identity.NodeIdentity(str(tmp_path / 'host'))
    ident.write({'n2': U2, 'n1': U1})
    assert ident.read() == {'n1': U1, 'n2': U2}
    assert (tmp_path / 'host' / 'compute_id').read_text() == (
        '%s n1\n%s n2\n' % (U1, U2))
    # Replaced atomically: no temporary file stays behind.
    assert os.listdir(tmp_path / 'host') == ['compute_id']


def test_bare_uuid_names_the_only_node(tmp_path):
    (tmp_path / 'compute_id').write_text(U1 + '\n')
    ident = node_identity.NodeIdentity(str(tmp_path))
    assert ident.read(['compute1']) == {'compute1': U1}
    # With several nodes nobody knows which one it was.
    assert ident.read(['a', 'b']) == {}


def test_lines_that_are_not_uuids_are_ignored(tmp_path):
    (tmp_path / 'compute_id').write_text(
        '# comment\nnot-a-uuid n0\n\n%s n1\n' % U1)
    assert node_identity.NodeIdentity(str(tmp_path)).read() == {'n1': U1}
