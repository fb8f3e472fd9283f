"""os-migrations: every move of every server, newest first.

Policy: os_compute_api:os-migrations:index lets a project manager list
the migrations of their own project, named with project_id (2.80);
without project_id, or with another project's, index:all_projects must
allow the caller too (403 otherwise, as upstream). Callers whom
index:host does not allow get the source and destination hosts and
nodes as null. Administrators pass all three rules.

Filters: host (source or destination), status, instance_uuid,
source_compute, migration_type (hidden is accepted and ignored, as
upstream). 2.23 adds migration_type to each item and links to in-progress
live migrations; 2.59 the uuid, paging (limit, marker) and changes-since;
2.66 changes-before; 2.80 user_id and project_id (shown and filtered on).
"""

import datetime

import pecan
import webob.exc

from nova.api import common
from nova.api import microversions as mv
from nova.api.schemas import migrations as schema
from nova.api import validation
from nova import exception
from nova import objects
from nova.policies import migrations as policies

# Statuses of a live migration that /servers/{id}/migrations shows.
LIVE_IN_PROGRESS = ('queued', 'preparing', 'running', 'post-migrating')

_DETAIL_KEYS = ('memory_total', 'memory_processed', 'memory_remaining',
                'disk_total', 'disk_processed', 'disk_remaining')


def _parse_time(name, value):
    try:
        parsed = datetime.datetime.fromisoformat(value.replace('Z',
                                                               '+00:00'))
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid %s value: %s' % (name, value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def _time(value):
    # Upstream shows these with microseconds and no zone designator.
    if value is None:
        return None
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f')


_HOST_KEYS = ('dest_compute', 'dest_host', 'dest_node', 'source_compute',
              'source_node')


def item(req, migration, version, with_hosts=True):
    """One migration as os-migrations shows it; the hosts and nodes are
    null unless ``with_hosts``."""
    out = {
        'id': migration.id,
        'created_at': _time(migration.created_at),
        'updated_at': _time(migration.updated_at),
        'dest_compute': migration.dest_compute,
        'dest_host': migration.dest_host,
        'dest_node': migration.dest_node,
        'source_compute': migration.source_compute,
        'source_node': migration.source_node,
        'instance_uuid': migration.instance_uuid,
        'old_instance_type_id': migration.old_instance_type_id,
        'new_instance_type_id': migration.new_instance_type_id,
        'status': migration.status,
    }
    if version >= mv.MV_MIGRATIONS_LINKS:
        out['migration_type'] = migration.migration_type
        if migration.migration_type == 'live-migration' and \
                migration.status in LIVE_IN_PROGRESS:
            path = ('servers', migration.instance_uuid, 'migrations',
                    migration.id)
            out['links'] = [
                {'rel': 'self', 'href': common.self_href(req, *path)},
                {'rel': 'bookmark', 'href': common.bookmark_href(req, *path)},
            ]
    if version >= mv.MV_MIGRATIONS_PAGING:
        out['uuid'] = migration.uuid
    if version >= mv.MV_MIGRATIONS_USER:
        out['user_id'] = migration.user_id
        out['project_id'] = migration.project_id
    if not with_hosts:
        out.update(dict.fromkeys(_HOST_KEYS))
    return out


def _cells(ctx):
    return [c for c in objects.CellMappingList.get_all(ctx)
            if not c.is_cell0]


def list_migrations(ctx, filters, limit=None, marker=None):
    """Migrations of every cell, newest first, one page of them."""
    found = []
    marker_seen = marker is None
    for cell in _cells(ctx):
        cctx = ctx.targeted(cell.uuid)
        try:
            found.extend(objects.MigrationList.get_by_filters(
                cctx, filters, limit=limit, marker=marker))
            marker_seen = True
        except exception.MarkerNotFound:
            # The marker lives in another cell: this cell's page starts
            # at its newest.
            found.extend(objects.MigrationList.get_by_filters(
                cctx, filters, limit=limit))
    if not marker_seen:
        raise exception.MarkerNotFound(marker=marker)
    found.sort(key=lambda m: (m.created_at, m.id), reverse=True)
    return found[:limit] if limit is not None else found


class MigrationsController:
    """/os-migrations (GET only)."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        ctx = common.context(req)
        common.authorize(req, policies.INDEX)
        version = common.version(req)
        params = validation.query(req, schema.list_query(version))
        filters = {}
        project_id = params.get('project_id')
        if project_id and project_id == ctx.project_id:
            # The caller's own project (also before 2.80, where upstream
            # lets the parameter through as a filter).
            filters['project_id'] = project_id
        else:
            common.authorize(req, policies.ALL_PROJECTS)
        with_hosts = common.allowed(req, policies.HOST)
        for key in ('host', 'status', 'instance_uuid', 'source_compute',
                    'migration_type'):
            if params.get(key):
                filters[key] = params[key]
        limit = marker = None
        if version >= mv.MV_MIGRATIONS_PAGING:
            limit, marker = common.paging(params)
            if params.get('changes-since'):
                filters['changes-since'] = _parse_time(
                    'changes-since', params['changes-since'])
        if version >= mv.MV_CHANGES_BEFORE and params.get('changes-before'):
            filters['changes-before'] = _parse_time(
                'changes-before', params['changes-before'])
            since = filters.get('changes-since')
            if since and filters['changes-before'] < since:
                raise webob.exc.HTTPBadRequest(
                    explanation='The value of changes-since must be less '
                                'than or equal to changes-before.')
        if version >= mv.MV_MIGRATIONS_USER:
            for key in ('user_id', 'project_id'):
                if params.get(key):
                    filters[key] = params[key]
        filters['hidden'] = False
        migrations = list_migrations(ctx, filters, limit, marker)
        items = [item(req, m, version, with_hosts) for m in migrations]
        body = {'migrations': items}
        if version >= mv.MV_MIGRATIONS_PAGING:
            links = common.collection_links(req, items, 'os-migrations',
                                            limit, id_key='uuid')
            if links:
                body['migrations_links'] = links
        return body
