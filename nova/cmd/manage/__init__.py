"""nova-manage: the operator's command line tool.

    nova-manage [--config-file F] [--config-dir D] <category> <action> ...

Categories: ``api_db`` and ``db`` (schema migrations), ``cell_v2`` (cell
and host mappings, see cells.py), ``image`` (the local image source, see
image.py) and ``placement`` (its schema, heal_allocations and audit, see
placement.py). Unlike the services, nova-manage talks to the
databases directly.

Exit codes: 0 success, 1 an error the operator can fix (missing option,
unknown cell, database not configured or not synced), 2 a conflicting
record (duplicate cell or host mapping) or bad usage, 255 an unexpected
failure (with the traceback printed).
"""

import sys
import traceback

from oslo_config import cfg
from oslo_log import log as logging

import nova.conf
from nova.cmd.manage import cells as manage_cells
from nova.cmd.manage.common import action
from nova.cmd.manage import common as manage_common
from nova.cmd.manage import image as manage_image
from nova.cmd.manage import placement as manage_placement
from nova.db import migration
from nova import exception

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class ApiDbCommands:
    """Schema of the API database."""

    @action('version_pos', metavar='VERSION', nargs='?',
            help='Revision to upgrade to (default: the newest).')
    @action('--version', dest='version', metavar='VERSION',
            help='Same as the positional VERSION.')
    def sync(self, version=None, version_pos=None):
        """Upgrade the API database schema."""
        migration.db_sync('api', revision=version or version_pos or 'head')
        return 0

    def version(self):
        """Print the revision the API database is at."""
        print(migration.db_version('api'))
        return 0


class DbCommands:
    """Schema of the cell databases."""

    @action('version_pos', metavar='VERSION', nargs='?',
            help='Revision to upgrade to (default: the newest).')
    @action('--version', dest='version', metavar='VERSION',
            help='Same as the positional VERSION.')
    @action('--local_cell', action='store_true',
            help='Only sync the [database] of this configuration, not '
                 'cell0 and the other mapped cells.')
    def sync(self, version=None, version_pos=None, local_cell=False):
        """Upgrade cell0, every mapped cell and the [database] schema."""
        revision = version or version_pos or 'head'
        done = set()
        if not local_cell:
            ret = self._sync_mapped_cells(revision, done)
            if ret:
                return ret
        url = CONF.database.connection
        if not url:
            if done:
                return 0
            print('ERROR: [database]/connection is not set in the '
                  'configuration file.')
            return 1
        if url not in done:
            migration.db_sync('main', url=url, revision=revision)
        return 0

    @staticmethod
    def _sync_mapped_cells(revision, done):
        if not CONF.api_database.connection:
            print('WARNING: [api_database]/connection is not set - not '
                  'syncing cell0 and the mapped cells.')
            return 0
        try:
            cells = manage_common.get_cell_mappings()
        except manage_common.DB_ERRORS as exc:
            print('ERROR: Could not read the cell mappings.\n'
                  'Has the API database been created and synced '
                  '(nova-manage api_db sync)?\n%s' % exc)
            return 1
        if not any(c.uuid == manage_common.CELL0_UUID for c in cells):
            print('WARNING: cell0 mapping not found - not syncing cell0.')
        # cell0 first: it exists before any other cell does.
        cells.sort(key=lambda c: c.uuid != manage_common.CELL0_UUID)
        for cell in cells:
            url = cell.database_connection
            if not url or url in done:
                continue
            try:
                migration.db_sync('main', url=url, revision=revision)
            except manage_common.DB_ERRORS as exc:
                print('ERROR: Could not sync the database of cell %s (%s): '
                      '%s' % (cell.name, cell.uuid, exc))
                return 1
            done.add(url)
        return 0

    def version(self):
        """Print the revision the [database] schema is at."""
        print(migration.db_version('main'))
        return 0


CATEGORIES = {
    'api_db': ApiDbCommands,
    'db': DbCommands,
    'cell_v2': manage_cells.CellV2Commands,
    'image': manage_image.ImageCommands,
    'placement': manage_placement.PlacementCommands,
}


def _methods(cls):
    for name in sorted(dir(cls)):
        if not name.startswith('_') and callable(getattr(cls, name)):
            yield name, getattr(cls, name)


ARG_PREFIX = 'action_kwarg_'


def add_command_parsers(subparsers):
    for category, cls in CATEGORIES.items():
        parser = subparsers.add_parser(category, help=cls.__doc__)
        actions = parser.add_subparsers(dest='action', metavar='<action>')
        actions.required = True
        for name, method in _methods(cls):
            doc = (method.__doc__ or '').strip()
            summary = ' '.join(doc.split('\n\n')[0].split()) or None
            action_parser = actions.add_parser(name.rstrip('_'), help=summary,
                                               description=doc or None)
            kwargs = []
            for args, options in getattr(method, 'arguments', []):
                arg = action_parser.add_argument(*args, **options)
                # oslo.config's sub-command namespace has attributes of its
                # own ("name" for one): keep the arguments apart.
                kwargs.append(arg.dest)
                arg.dest = ARG_PREFIX + arg.dest
            action_parser.set_defaults(action_fn=(cls, name),
                                       action_kwargs=kwargs)


category_opt = cfg.SubCommandOpt('category', title='Command categories',
                                 help='Available categories',
                                 handler=add_command_parsers)


def _run_action():
    cls, name = CONF.category.action_fn
    kwargs = {dest: getattr(CONF.category, ARG_PREFIX + dest)
              for dest in CONF.category.action_kwargs}
    return getattr(cls(), name)(**kwargs)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    CONF.register_cli_opt(category_opt)
    # Results go to stdout; logging (warnings, or more with --debug) to
    # stderr so that scripts can parse the output.
    CONF.set_default('use_stderr', True)
    logging.set_defaults(default_log_levels=(
        logging.get_default_log_levels() + ['alembic=WARNING']))
    try:
        CONF(argv[1:], project='nova', prog='nova-manage')
    except cfg.ConfigFilesNotFoundError as exc:
        print('Could not read the configuration: %s' % exc)
        return 2
    logging.setup(CONF, 'nova')
    try:
        return _run_action() or 0
    except exception.DatabaseNotConfigured as exc:
        section = exc.kwargs.get('section', 'database')
        print('ERROR: %s/connection is not set in the configuration file.'
              % section)
        return 1
    except manage_common.DB_ERRORS as exc:
        print('ERROR: database error: %s' % exc)
        return 1
    except Exception:
        print('An error has occurred:\n%s' % traceback.format_exc())
        return 255


if __name__ == '__main__':
    sys.exit(main())
