"""nova-manage, run as the real console script against SQLite files."""

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from nova.cmd.manage import cells as manage_cells
from nova.cmd.manage import common as manage_common
from nova.db import migration

CELL0_UUID = '00000000-0000-0000-0000-000000000000'
TRANSPORT_URL = 'rabbit://nova:s3cret@127.0.0.1:5672/'


def _command():
    script = os.path.join(os.path.dirname(sys.executable), 'nova-manage')
    if os.path.exists(script):
        return [script]
    found = shutil.which('nova-manage')
    return [found] if found else [sys.executable, '-m', 'nova.cmd.manage']


class Manage:
    def __init__(self, tmp_path, transport_url=TRANSPORT_URL):
        self.dir = tmp_path
        self.api_db = tmp_path / 'nova_api.sqlite'
        self.cell_db = tmp_path / 'nova.sqlite'
        self.cell0_db = tmp_path / 'nova_cell0.sqlite'
        self.conf = tmp_path / 'nova.conf'
        lines = ['[DEFAULT]', 'state_path = %s' % tmp_path]
        if transport_url:
            lines.append('transport_url = %s' % transport_url)
        lines += ['[api_database]',
                  'connection = sqlite:///%s' % self.api_db,
                  '[database]',
                  'connection = sqlite:///%s' % self.cell_db, '']
        self.conf.write_text('\n'.join(lines))

    def __call__(self, *args, expect=0):
        proc = subprocess.run(
            _command() + ['--config-file', str(self.conf)] + list(args),
            cwd=str(self.dir), capture_output=True, text=True, timeout=120)
        assert proc.returncode == expect, (
            'nova-manage %s exited %d\nstdout:\n%s\nstderr:\n%s'
            % (' '.join(args), proc.returncode, proc.stdout, proc.stderr))
        return proc.stdout

    def query(self, db, sql, *params):
        with sqlite3.connect(str(db)) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture
def manage(tmp_path):
    return Manage(tmp_path)


@pytest.fixture
def synced(manage):
    manage('api_db', 'sync')
    manage('cell_v2', 'map_cell0')
    manage('db', 'sync')
    return manage


def _table_rows(output):
    """The data rows of a table printed by nova-manage."""
    lines = [line for line in output.splitlines() if line.startswith('|')]
    return [[cell.strip() for cell in line.strip('|').split('|')]
            for line in lines[1:]]


def _add_compute_node(manage, host, node, uuid, mapped=0):
    with sqlite3.connect(str(manage.cell_db)) as conn:
        conn.execute(
            'INSERT INTO compute_nodes (uuid, host, hypervisor_hostname, '
            'vcpus, memory_mb, local_gb, vcpus_used, memory_mb_used, '
            'local_gb_used, deleted, mapped) '
            'VALUES (?, ?, ?, 4, 4096, 40, 0, 0, 0, 0, ?)',
            (uuid, host, node, mapped))


def _add_service(manage, host, binary, uuid):
    with sqlite3.connect(str(manage.cell_db)) as conn:
        conn.execute(
            'INSERT INTO services (uuid, host, "binary", topic, '
            'report_count, deleted) VALUES (?, ?, ?, ?, 0, 0)',
            (uuid, host, binary, binary.replace('nova-', '')))


def test_api_db_sync_and_version(manage):
    assert manage('api_db', 'version').strip() == 'None'
    manage('api_db', 'sync')
    assert manage('api_db', 'version').strip() == (
        migration.head_revision('api'))
    tables = {r[0] for r in manage.query(
        manage.api_db, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {'cell_mappings', 'host_mappings', 'flavors'} <= tables


def test_db_sync_without_cell0_warns_and_syncs_local_cell(manage):
    manage('api_db', 'sync')
    out = manage('db', 'sync')
    assert 'cell0 mapping not found' in out
    assert manage('db', 'version').strip() == migration.head_revision('main')
    assert not manage.cell0_db.exists()


def test_db_sync_before_api_db_sync_fails(manage):
    out = manage('db', 'sync', expect=1)
    assert 'api_db sync' in out


def test_map_cell0_defaults_next_to_database_and_db_sync_migrates_it(
        synced):
    rows = synced.query(synced.api_db,
                        'SELECT uuid, name, transport_url, '
                        'database_connection FROM cell_mappings')
    assert rows == [(CELL0_UUID, 'cell0', 'none:///',
                     'sqlite:///%s' % synced.cell0_db)]
    tables = {r[0] for r in synced.query(
        synced.cell0_db, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {'instances', 'compute_nodes', 'services'} <= tables
    assert 'Cell0 is already setup' in synced('cell_v2', 'map_cell0')


def test_map_cell0_with_explicit_connection(manage, tmp_path):
    manage('api_db', 'sync')
    url = 'sqlite:///%s' % (tmp_path / 'elsewhere.sqlite')
    manage('cell_v2', 'map_cell0', '--database_connection', url)
    assert manage.query(manage.api_db,
                        'SELECT database_connection FROM cell_mappings') == [
        (url,)]


def test_db_sync_local_cell_skips_cell0(manage):
    manage('api_db', 'sync')
    manage('cell_v2', 'map_cell0')
    manage('db', 'sync', '--local_cell')
    assert manage.cell_db.exists()
    assert not manage.cell0_db.exists()


def test_db_sync_migrates_every_mapped_cell(synced, tmp_path):
    cell2_db = tmp_path / 'cell2.sqlite'
    synced('cell_v2', 'create_cell', '--name', 'cell2',
           '--database_connection', 'sqlite:///%s' % cell2_db)
    synced('db', 'sync')
    assert synced.query(cell2_db,
                        'SELECT version_num FROM alembic_version_main') == [
        (migration.head_revision('main'),)]


def test_create_cell_list_cells_and_duplicate(synced):
    cell_uuid = synced('cell_v2', 'create_cell', '--name', 'cell1',
                       '--verbose').strip()
    assert len(cell_uuid) == 36
    assert synced('cell_v2', 'create_cell', '--name', 'quiet',
                  '--transport-url', 'rabbit://other:pw@10.0.0.1/') == ''
    out = synced('cell_v2', 'create_cell', '--name', 'again', expect=2)
    assert 'already exists for another cell with uuid %s' % cell_uuid in out

    out = synced('cell_v2', 'list_cells')
    header = [h.strip() for h in out.splitlines()[1].strip('|').split('|')]
    assert header == ['Name', 'UUID', 'Transport URL', 'Database Connection',
                      'Disabled']
    rows = _table_rows(out)
    assert [r[0] for r in rows] == ['cell0', 'cell1', 'quiet']
    assert rows[1] == ['cell1', cell_uuid,
                       'rabbit://nova:****@127.0.0.1:5672/',
                       'sqlite:///%s' % synced.cell_db, 'False']
    assert 's3cret' not in out and 'other:pw' not in out
    verbose = synced('cell_v2', 'list_cells', '--verbose')
    assert TRANSPORT_URL in verbose and 'other:pw@' in verbose


def test_create_cell_needs_transport_url(tmp_path):
    manage = Manage(tmp_path, transport_url=None)
    manage('api_db', 'sync')
    out = manage('cell_v2', 'create_cell', '--name', 'c', expect=1)
    assert 'Must specify --transport-url' in out
    out = manage('cell_v2', 'create_cell', '--name', 'c',
                 '--transport-url', 'not a url', expect=1)
    assert 'Invalid transport URL' in out


def test_discover_hosts_maps_unmapped_compute_nodes(synced):
    cell_uuid = synced('cell_v2', 'create_cell', '--name', 'cell1',
                       '--verbose').strip()
    _add_compute_node(synced, 'cmp1', 'cmp1.node',
                      '11111111-1111-4111-8111-111111111111')
    _add_compute_node(synced, 'cmp2', 'cmp2.node',
                      '22222222-2222-4222-8222-222222222222')
    out = synced('cell_v2', 'discover_hosts', '--verbose')
    assert 'Skipping cell0 since it does not contain hosts.' in out
    assert 'Found 2 unmapped computes in cell: %s' % cell_uuid in out
    assert "Creating host mapping for compute host 'cmp1'" in out
    assert synced.query(synced.api_db,
                        'SELECT h.host, c.uuid FROM host_mappings h JOIN '
                        'cell_mappings c ON h.cell_id = c.id '
                        'ORDER BY h.host') == [('cmp1', cell_uuid),
                                               ('cmp2', cell_uuid)]
    assert synced.query(synced.cell_db,
                        'SELECT DISTINCT mapped FROM compute_nodes') == [(1,)]
    # Nothing left to do on a second run.
    out = synced('cell_v2', 'discover_hosts', '--verbose')
    assert 'Found 0 unmapped computes' in out
    assert len(synced.query(synced.api_db,
                            'SELECT * FROM host_mappings')) == 2
    hosts = _table_rows(synced('cell_v2', 'list_hosts'))
    assert hosts == [['cell1', cell_uuid, 'cmp1'],
                     ['cell1', cell_uuid, 'cmp2']]


def test_discover_hosts_by_service(synced):
    cell_uuid = synced('cell_v2', 'create_cell', '--name', 'cell1',
                       '--verbose').strip()
    _add_service(synced, 'cmp9', 'nova-compute',
                 '99999999-9999-4999-8999-999999999999')
    _add_service(synced, 'ctl', 'nova-scheduler',
                 '88888888-8888-4888-8888-888888888888')
    synced('cell_v2', 'discover_hosts', '--by-service', '--cell_uuid',
           cell_uuid)
    assert synced.query(synced.api_db,
                        'SELECT host FROM host_mappings') == [('cmp9',)]


def test_discover_hosts_unknown_cell(synced):
    out = synced('cell_v2', 'discover_hosts', '--cell_uuid',
                 'ffffffff-ffff-4fff-8fff-ffffffffffff', expect=1)
    assert 'was not found' in out


def test_discover_hosts_refuses_host_mapped_to_another_cell(synced,
                                                             tmp_path):
    synced('cell_v2', 'create_cell', '--name', 'cell1')
    other_db = tmp_path / 'other.sqlite'
    other_uuid = synced('cell_v2', 'create_cell', '--name', 'other',
                        '--database_connection', 'sqlite:///%s' % other_db,
                        '--verbose').strip()
    synced('db', 'sync')
    _add_compute_node(synced, 'dup', 'dup.node',
                      '33333333-3333-4333-8333-333333333333')
    synced('cell_v2', 'discover_hosts')
    with sqlite3.connect(str(other_db)) as conn:
        conn.execute(
            'INSERT INTO compute_nodes (uuid, host, vcpus, memory_mb, '
            'local_gb, vcpus_used, memory_mb_used, local_gb_used, deleted, '
            "mapped) VALUES ('44444444-4444-4444-8444-444444444444', 'dup', "
            '1, 1, 1, 0, 0, 0, 0, 0)')
    out = synced('cell_v2', 'discover_hosts', '--cell_uuid', other_uuid,
                 expect=2)
    assert "Host 'dup' is already mapped to cell cell1" in out


def test_simple_cell_setup(manage):
    manage('api_db', 'sync')
    manage('db', 'sync')
    out = manage('cell_v2', 'simple_cell_setup', expect=1)
    assert 'No hosts found' in out
    _add_compute_node(manage, 'solo', 'solo.node',
                      '55555555-5555-4555-8555-555555555555')
    manage('cell_v2', 'simple_cell_setup')
    names = [r[0] for r in _table_rows(manage('cell_v2', 'list_cells'))]
    assert names == ['cell0', 'cell1']
    assert manage.cell0_db.exists()
    assert manage.query(manage.api_db, 'SELECT host FROM host_mappings') == [
        ('solo',)]


def test_database_not_configured(tmp_path):
    conf = tmp_path / 'empty.conf'
    conf.write_text('[DEFAULT]\n')
    proc = subprocess.run(_command() + ['--config-file', str(conf),
                                        'api_db', 'sync'],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert '[api_database]/connection is not set' in proc.stdout


def test_image_import_list_show_delete(manage, tmp_path):
    raw = tmp_path / 'disk.raw'
    raw.write_bytes(b'\0' * 4096)
    qcow2 = tmp_path / 'disk.qcow2'
    qcow2.write_bytes(b'QFI\xfb' + b'\0' * 60)
    image_id = manage('image', 'import', str(raw), '--name', 'cirros',
                      '--min-ram', '64', '--property', 'os_distro=cirros',
                      '--property', 'hw_disk_bus=virtio').strip()
    given = 'c2b2a0f4-5a4e-4f7c-9d0a-8a3a6f1d2e3b'
    assert manage('image', 'import', str(qcow2), '--name', 'q', '--id',
                  given, '--private', '--owner', 'p1').strip() == given
    rows = _table_rows(manage('image', 'list'))
    assert rows == [[image_id, 'cirros', 'active', 'raw', 'bare', '4096',
                     'public'],
                    [given, 'q', 'active', 'qcow2', 'bare', '64',
                     'private']]
    images_dir = tmp_path / 'images'
    assert sorted(os.listdir(images_dir)) == sorted(
        [image_id, image_id + '.json', given, given + '.json'])
    show = dict((r[0], r[1]) for r in _table_rows(
        manage('image', 'show', image_id)))
    assert show['min_ram'] == '64'
    assert show['properties.os_distro'] == 'cirros'
    out = manage('image', 'import', str(raw), '--name', 'again', '--id',
                 given, expect=1)
    assert 'already exists' in out
    manage('image', 'import', str(tmp_path / 'missing'), '--name', 'x',
           expect=1)
    manage('image', 'delete', image_id)
    out = manage('image', 'delete', image_id, expect=1)
    assert 'could not be found' in out
    assert [r[0] for r in _table_rows(manage('image', 'list'))] == [given]


def test_usage_errors_exit_2(manage):
    manage('cell_v2', expect=2)
    manage('cell_v2', 'no_such_action', expect=2)
    manage('image', 'import', expect=2)


@pytest.mark.parametrize('url,expected', [
    ('mysql+pymysql://nova:pw@db/nova?charset=utf8',
     'mysql+pymysql://nova:pw@db/nova_cell0?charset=utf8'),
    ('postgresql://nova@db/nova', 'postgresql://nova@db/nova_cell0'),
    ('sqlite:////var/lib/nova/nova.sqlite',
     'sqlite:////var/lib/nova/nova_cell0.sqlite'),
    ('sqlite:////var/lib/nova/nova', 'sqlite:////var/lib/nova/nova_cell0'),
])
def test_cell0_default_url(url, expected):
    assert manage_cells.cell0_default_url(url) == expected


def test_cell0_default_url_refuses_memory_database():
    with pytest.raises(ValueError):
        manage_cells.cell0_default_url('sqlite://')


@pytest.mark.parametrize('url,expected', [
    ('rabbit://u:p@h:5672/', 'rabbit://u:****@h:5672/'),
    ('rabbit://u:p@h1,v:q@h2/vhost', 'rabbit://u:****@h1,v:****@h2/vhost'),
    ('mysql+pymysql://nova:secret@db/nova',
     'mysql+pymysql://nova:****@db/nova'),
    ('sqlite:////tmp/x.sqlite', 'sqlite:////tmp/x.sqlite'),
    ('none:///', 'none:///'),
    (None, None),
])
def test_mask_password(url, expected):
    assert manage_common.mask_password(url) == expected


def test_format_table():
    assert manage_common.format_table(['A', 'Long'], [['xyz', None]]) == (
        '+-----+------+\n'
        '|  A  | Long |\n'
        '+-----+------+\n'
        '| xyz |      |\n'
        '+-----+------+')


def test_image_import_without_owner_belongs_to_the_default_owner(
        manage, tmp_path):
    with open(manage.conf, 'a') as f:
        f.write('[image]\nlocal_default_owner = admin\n')
    raw = tmp_path / 'disk.raw'
    raw.write_bytes(b'\0' * 512)
    image_id = manage('image', 'import', str(raw), '--name', 'x').strip()
    show = dict((r[0], r[1]) for r in _table_rows(
        manage('image', 'show', image_id)))
    assert show['owner'] == 'admin'
