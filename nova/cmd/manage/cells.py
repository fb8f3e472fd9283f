"""nova-manage cell_v2: cell mappings and host discovery."""

import os

from oslo_config import cfg
from oslo_utils import uuidutils
import sqlalchemy as sa

import nova.conf
from nova.cmd.manage.common import action
from nova.cmd.manage import common as manage_common
from nova import context as nova_context
from nova.db.api import models as api_models
from nova.db.main import models as main_models
from nova.db import migration
from nova.db import session as db_session

CONF = nova.conf.CONF
CELL0_UUID = manage_common.CELL0_UUID
# cell0 never runs services, so it has no message queue.
CELL0_TRANSPORT_URL = 'none:///'


def _register_transport_url():
    # oslo.messaging registers [DEFAULT]/transport_url only when a
    # transport is created; nova-manage needs to read it without one.
    if 'transport_url' in CONF:
        return
    # Imported here: oslo.messaging is slow to import and noisy, and only
    # the commands that take a transport URL need it.
    from oslo_messaging import opts as messaging_opts
    for group, opts in messaging_opts.list_opts():
        if group is None:
            for opt in opts:
                if opt.name == 'transport_url':
                    CONF.register_opt(opt)
                    return


def _configured_transport_url():
    """[DEFAULT]/transport_url if the configuration sets it, else None.

    oslo.messaging defaults the option to a bare "rabbit://", which names
    no broker; a cell must not be created pointing at that by accident.
    """
    _register_transport_url()
    location = CONF.get_location('transport_url')
    if location is not None and location.location == cfg.Locations.opt_default:
        return None
    return CONF.transport_url


def cell0_default_url(url):
    """The cell0 database next to the [database] one.

    The database name gets a ``_cell0`` suffix (nova -> nova_cell0); for a
    SQLite file the suffix goes before the extension
    (/var/lib/nova/nova.sqlite -> /var/lib/nova/nova_cell0.sqlite).
    """
    parsed = sa.engine.make_url(url)
    name = parsed.database
    if parsed.get_backend_name() == 'sqlite':
        if not name or name == ':memory:':
            raise ValueError('an in-memory SQLite database has no cell0 '
                             'counterpart; pass --database_connection')
        root, ext = os.path.splitext(name)
        name = root + '_cell0' + ext
    else:
        if not name:
            raise ValueError('the [database] connection names no database')
        name = name + '_cell0'
    return parsed.set(database=name).render_as_string(hide_password=False)


def _transport_url_is_valid(url):
    import oslo_messaging as messaging
    try:
        messaging.TransportURL.parse(CONF, url)
    except (messaging.InvalidTransportURL, ValueError) as exc:
        print('Invalid transport URL: %s' % exc)
        return False
    return True


def _cell_transport_url(given):
    """The message queue of a new cell: ``given`` or the configured one.
    None, after saying why, when there is none or it does not parse."""
    url = given or _configured_transport_url()
    if not url:
        print('Must specify --transport-url if [DEFAULT]/transport_url '
              'is not set in the configuration file.')
        return None
    if not _transport_url_is_valid(url):
        return None
    return url


class CellV2Commands:
    """Cells v2: cell mappings, host mappings and discovery."""

    @action('--database_connection', metavar='<database_connection>',
            help='Database of cell0. Default: the [database] connection '
                 'with "_cell0" appended to the database name.')
    def map_cell0(self, database_connection=None):
        """Create the mapping of cell0, where instances that could not be
        scheduled are kept."""
        if manage_common.get_cell_mapping(CELL0_UUID) is not None:
            print('Cell0 is already setup')
            return 0
        if not database_connection:
            if not CONF.database.connection:
                print('Must specify --database_connection if '
                      '[database]/connection is not set in the '
                      'configuration file.')
                return 1
            try:
                database_connection = cell0_default_url(
                    CONF.database.connection)
            except ValueError as exc:
                print('ERROR: %s' % exc)
                return 1
        manage_common.create_cell_mapping(
            uuid=CELL0_UUID, name='cell0',
            transport_url=CELL0_TRANSPORT_URL,
            database_connection=database_connection, disabled=False)
        return 0

    @action('--name', metavar='<cell_name>', help='A name for the cell.')
    @action('--transport-url', dest='transport_url',
            metavar='<transport_url>',
            help='Message queue of the cell. Default: [DEFAULT]/'
                 'transport_url.')
    @action('--database_connection', metavar='<database_connection>',
            help='Database of the cell. Default: [database]/connection.')
    @action('--verbose', action='store_true',
            help='Print the UUID of the new cell.')
    @action('--disabled', action='store_true',
            help='Create the cell disabled: the scheduler will not place '
                 'new instances in it.')
    def create_cell(self, name=None, transport_url=None,
                    database_connection=None, verbose=False,
                    disabled=False):
        """Create a cell mapping."""
        transport_url = _cell_transport_url(transport_url)
        if transport_url is None:
            return 1
        database_connection = (database_connection or
                               CONF.database.connection)
        if not database_connection:
            print('Must specify --database_connection if '
                  '[database]/connection is not set in the configuration '
                  'file.')
            return 1
        for cell in manage_common.get_cell_mappings():
            if (cell.transport_url == transport_url and
                    cell.database_connection == database_connection):
                print('The specified transport_url and/or '
                      'database_connection combination already exists '
                      'for another cell with uuid %s.' % cell.uuid)
                return 2
        cell_uuid = uuidutils.generate_uuid()
        manage_common.create_cell_mapping(
            uuid=cell_uuid, name=name, transport_url=transport_url,
            database_connection=database_connection, disabled=disabled)
        if verbose:
            print(cell_uuid)
        return 0

    @action('--verbose', action='store_true',
            help='Show the URLs with their passwords.')
    def list_cells(self, verbose=False):
        """List the cell mappings, sorted by name."""
        cells = manage_common.get_cell_mappings()
        cells.sort(key=lambda c: (c.name or '', c.uuid))
        show = (lambda url: url) if verbose else manage_common.mask_password
        manage_common.print_table(
            ['Name', 'UUID', 'Transport URL', 'Database Connection',
             'Disabled'],
            [[c.name, c.uuid, show(c.transport_url),
              show(c.database_connection), c.disabled] for c in cells])
        return 0

    @action('--cell_uuid', metavar='<cell_uuid>',
            help='Only list the hosts of this cell.')
    def list_hosts(self, cell_uuid=None):
        """List the host mappings."""
        with db_session.api_session() as session:
            stmt = sa.select(api_models.HostMapping).order_by(
                api_models.HostMapping.host)
            if cell_uuid:
                stmt = stmt.join(api_models.HostMapping.cell_mapping).where(
                    api_models.CellMapping.uuid == cell_uuid)
            hosts = list(session.scalars(stmt).unique())
        if cell_uuid and not hosts and (
                manage_common.get_cell_mapping(cell_uuid) is None):
            print('Cell with uuid %s was not found.' % cell_uuid)
            return 1
        manage_common.print_table(
            ['Cell Name', 'Cell UUID', 'Hostname'],
            [[h.cell_mapping.name, h.cell_mapping.uuid, h.host]
             for h in hosts])
        return 0

    @action('--cell_uuid', metavar='<cell_uuid>',
            help='Only discover the hosts of this cell.')
    @action('--verbose', action='store_true',
            help='Say what is being looked at and created.')
    @action('--by-service', dest='by_service', action='store_true',
            help='Discover hosts from their nova-compute service records '
                 'instead of their compute nodes.')
    def discover_hosts(self, cell_uuid=None, verbose=False,
                       by_service=False):
        """Map the compute hosts of the cells that have no host mapping
        yet."""
        say = print if verbose else (lambda *a: None)
        if cell_uuid:
            cell = manage_common.get_cell_mapping(cell_uuid)
            if cell is None:
                print('Cell with uuid %s was not found.' % cell_uuid)
                return 1
            cells = [cell]
        else:
            cells = manage_common.get_cell_mappings()
            say('Found %d cell mappings.' % len(cells))
        ret = 0
        for cell in cells:
            if cell.uuid == CELL0_UUID:
                say('Skipping cell0 since it does not contain hosts.')
                continue
            try:
                if by_service:
                    _discover_by_service(cell, say)
                else:
                    _discover_by_compute_node(cell, say)
            except HostInOtherCell as exc:
                print(exc)
                return 2
            except manage_common.DB_ERRORS as exc:
                print('ERROR: Could not read the database of cell %s (%s): '
                      '%s' % (cell.name, cell.uuid, exc))
                ret = 1
        return ret

    @action('--transport-url', dest='transport_url',
            metavar='<transport_url>',
            help='Message queue of cell1. Default: [DEFAULT]/transport_url.')
    def simple_cell_setup(self, transport_url=None):
        """Set up cell0 and one cell (from this configuration) and map its
        hosts, in one go."""
        transport_url = _cell_transport_url(transport_url)
        if transport_url is None:
            return 1
        ret = self.map_cell0()
        if ret:
            return ret
        cell0 = manage_common.get_cell_mapping(CELL0_UUID)
        migration.db_sync('main', url=cell0.database_connection)

        database_connection = CONF.database.connection
        if not database_connection:
            print('ERROR: [database]/connection is not set in the '
                  'configuration file.')
            return 1
        engine = db_session.get_engine_for_url(database_connection)
        with engine.connect() as conn:
            computes = conn.execute(sa.select(
                main_models.ComputeNode.id).where(
                main_models.ComputeNode.deleted == 0)).all()
        if not computes:
            print('No hosts found to map to cell, exiting.')
            return 1
        cell = None
        for existing in manage_common.get_cell_mappings():
            if (existing.uuid != CELL0_UUID and
                    existing.database_connection == database_connection):
                cell = existing
                print('Cell1 is already setup')
                break
        if cell is None:
            cell = manage_common.create_cell_mapping(
                uuid=uuidutils.generate_uuid(), name='cell1',
                transport_url=transport_url,
                database_connection=database_connection, disabled=False)
        return self.discover_hosts(cell_uuid=cell.uuid)


class HostInOtherCell(Exception):
    def __init__(self, host, cell):
        super().__init__("Host '%s' is already mapped to cell %s (%s)"
                         % (host, cell.name, cell.uuid))


def _ensure_host_mapping(cell, host, say, what):
    """Map ``host`` to ``cell`` unless it already is; True if created."""
    with db_session.api_session() as session:
        existing = session.scalars(sa.select(api_models.HostMapping).where(
            api_models.HostMapping.host == host)).first()
        if existing is not None:
            if existing.cell_id != cell.id:
                raise HostInOtherCell(host, existing.cell_mapping)
            return False
        say('Creating host mapping for %s' % what)
        session.add(api_models.HostMapping(host=host, cell_id=cell.id))
    return True


def _discover_by_compute_node(cell, say):
    say("Getting computes from cell '%s': %s" % (cell.name, cell.uuid))
    ctx = nova_context.get_admin_context().targeted(cell.uuid)
    model = main_models.ComputeNode
    with db_session.cell_session(ctx) as session:
        nodes = session.execute(sa.select(
            model.id, model.uuid, model.host).where(
            model.deleted == 0,
            sa.or_(model.mapped == 0, model.mapped.is_(None))).order_by(
            model.id)).all()
    say('Found %d unmapped computes in cell: %s' % (len(nodes), cell.uuid))
    for node_id, node_uuid, host in nodes:
        if host:
            say("Checking host mapping for compute host '%s': %s"
                % (host, node_uuid))
            _ensure_host_mapping(cell, host, say,
                                 "compute host '%s': %s" % (host, node_uuid))
        # Marked only once its host mapping exists, so that a failure
        # half-way is picked up again by the next run.
        with db_session.cell_session(ctx) as session:
            session.execute(sa.update(model).where(
                model.id == node_id).values(mapped=1))


def _discover_by_service(cell, say):
    say("Getting computes from cell '%s': %s" % (cell.name, cell.uuid))
    ctx = nova_context.get_admin_context().targeted(cell.uuid)
    model = main_models.Service
    with db_session.cell_session(ctx) as session:
        hosts = session.scalars(sa.select(model.host).where(
            model.deleted == 0, model.binary == 'nova-compute').distinct()
            .order_by(model.host)).all()
    for host in hosts:
        _ensure_host_mapping(cell, host, say, 'service %s' % host)
