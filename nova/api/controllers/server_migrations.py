"""/servers/{id}/migrations: the server's live migrations in progress.

GET lists them and GET /{migration_id} shows one (2.23); POST
/{migration_id}/action {"force_complete": null} asks the running live
migration to finish (2.22); DELETE /{migration_id} aborts it (2.24; a
queued one too from 2.65). Project managers may list, finish and abort
them (the list without hosts); showing one and the hosts are for
administrators. The live migration work itself is in
nova.compute.api_live.
"""

import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import migrations as os_migrations
from nova.api.controllers import servers
from nova.api import faults
from nova.api import microversions as mv
from nova.api.schemas import server_migrations as schema
from nova.api import validation
from nova import exception
from nova import objects
from nova.policies import servers_migrations as policies

_HOST_KEYS = ('dest_compute', 'dest_host', 'dest_node', 'source_compute',
              'source_node')


def _need(req, version):
    if common.version(req) < version:
        raise webob.exc.HTTPNotFound()


def _item(migration, version, show_host=True):
    out = {
        'id': migration.id,
        'server_uuid': migration.instance_uuid,
        'created_at': os_migrations._time(migration.created_at),
        'updated_at': os_migrations._time(migration.updated_at),
        'dest_compute': migration.dest_compute,
        'dest_host': migration.dest_host,
        'dest_node': migration.dest_node,
        'source_compute': migration.source_compute,
        'source_node': migration.source_node,
        'status': migration.status,
        'memory_total_bytes': migration.memory_total,
        'memory_processed_bytes': migration.memory_processed,
        'memory_remaining_bytes': migration.memory_remaining,
        'disk_total_bytes': migration.disk_total,
        'disk_processed_bytes': migration.disk_processed,
        'disk_remaining_bytes': migration.disk_remaining,
    }
    if version >= mv.MV_MIGRATIONS_PAGING:
        out['uuid'] = migration.uuid
    if version >= mv.MV_MIGRATIONS_USER:
        out['user_id'] = migration.user_id
        out['project_id'] = migration.project_id
    if not show_host:
        out.update(dict.fromkeys(_HOST_KEYS))
    return out


def _not_found_message(server_id, migration_id):
    return ('In-progress live migration %s is not found for server %s.'
            % (migration_id, server_id))


def _not_found(server_id, migration_id):
    return webob.exc.HTTPNotFound(
        explanation=_not_found_message(server_id, migration_id))


def _migration_id(server_id, migration_id):
    try:
        return int(migration_id)
    except ValueError:
        raise _not_found(server_id, migration_id)


class MigrationActionController:
    """/servers/{id}/migrations/{migration_id}/action (POST)."""

    def __init__(self, server_id, migration_id):
        self.server_id = server_id
        self.migration_id = migration_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='POST', template='json')
    def post(self):
        req = pecan.request
        _need(req, mv.MV_LIVE_FORCE_COMPLETE)
        validation.body(req, schema.force_complete)
        ctx = common.context(req)
        instance = servers.get_server(req, self.server_id,
                                      policies.FORCE_COMPLETE)
        migration_id = _migration_id(self.server_id, self.migration_id)
        # No live migration to complete is a bad request here, as
        # upstream answers.
        with faults.translate(((exception.MigrationNotFoundByStatus,
                                exception.InvalidMigrationState,
                                exception.MigrationNotFoundForInstance),
                               400)):
            servers.compute_api().live_migrate_force_complete(
                ctx, instance, migration_id)
        return common.empty_response(202)


class ServerMigrationController:
    """/servers/{id}/migrations/{migration_id}."""

    def __init__(self, server_id, migration_id):
        self.server_id = server_id
        self.migration_id = migration_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        _need(req, mv.MV_MIGRATIONS_LINKS)
        instance = servers.get_server(req, self.server_id, policies.SHOW)
        migration_id = _migration_id(self.server_id, self.migration_id)
        # A missing migration answers as one that is not in progress.
        with faults.translate((exception.MigrationNotFound, 404,
                               _not_found_message(self.server_id,
                                                  self.migration_id))):
            migration = objects.Migration.get_by_id_and_instance(
                instance._context, migration_id, instance.uuid)
        if not migration.is_live_migration or \
                migration.status not in os_migrations.LIVE_IN_PROGRESS:
            raise _not_found(self.server_id, self.migration_id)
        return {'migration': _item(migration, common.version(req))}

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        _need(req, mv.MV_LIVE_ABORT)
        ctx = common.context(req)
        instance = servers.get_server(req, self.server_id, policies.DELETE)
        migration_id = _migration_id(self.server_id, self.migration_id)
        # A migration past aborting is a bad request here, as upstream
        # answers.
        with faults.translate((exception.InvalidMigrationState, 400)):
            servers.compute_api().live_migrate_abort(
                ctx, instance, migration_id,
                support_abort_in_queue=common.version(req) >=
                mv.MV_ABORT_QUEUED_LIVE_MIGRATION)
        return common.empty_response(202)


class ServerMigrationsController:
    """/servers/{id}/migrations."""

    def __init__(self, server_id):
        self.server_id = server_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        _need(req, mv.MV_MIGRATIONS_LINKS)
        instance = servers.get_server(req, self.server_id, policies.INDEX)
        show_host = common.allowed(req, policies.INDEX_HOST,
                                   servers.target(instance))
        migrations = objects.MigrationList.get_in_progress_by_instance(
            instance._context, instance.uuid, 'live-migration')
        version = common.version(req)
        return {'migrations': [
            _item(m, version, show_host) for m in migrations
            if m.status in os_migrations.LIVE_IN_PROGRESS]}

    @pecan.expose()
    def _lookup(self, migration_id, *remainder):
        if remainder and remainder[0] == 'action' and len(remainder) == 1:
            return MigrationActionController(self.server_id,
                                             migration_id), ()
        if remainder:
            raise webob.exc.HTTPNotFound()
        return ServerMigrationController(self.server_id, migration_id), ()
