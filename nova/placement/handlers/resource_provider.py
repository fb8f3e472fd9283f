"""/resource_providers and /resource_providers/{uuid}."""

from nova.placement import errors
from nova.placement import filters
from nova.placement import microversion as mv
from nova.placement import providers
from nova.placement.schemas import resource_provider as schema
from nova.placement import util


def view(req, rp):
    base = '/resource_providers/%s' % rp.uuid
    links = [{'rel': 'self', 'href': base},
             {'rel': 'inventories', 'href': base + '/inventories'},
             {'rel': 'usages', 'href': base + '/usages'}]
    if mv.at_least(req, '1.1'):
        links.append({'rel': 'aggregates', 'href': base + '/aggregates'})
    if mv.at_least(req, '1.6'):
        links.append({'rel': 'traits', 'href': base + '/traits'})
    if mv.at_least(req, '1.11'):
        links.append({'rel': 'allocations', 'href': base + '/allocations'})
    body = {'generation': rp.generation, 'uuid': rp.uuid, 'name': rp.name,
            'links': links}
    if mv.at_least(req, '1.14'):
        body['parent_provider_uuid'] = rp.parent_provider_uuid
        body['root_provider_uuid'] = rp.root_provider_uuid
    return body


def _stamp(rp):
    return rp.updated_at or rp.created_at


def create(req):
    data = util.extract_json(req, schema.create(req))
    uuid = data.get('uuid')
    if uuid:
        uuid = util.normalize_uuid(uuid)
    with util.db(req).writer() as conn:
        rp = providers.create(conn, data['name'], uuid,
                              data.get('parent_provider_uuid'))
    location = '/resource_providers/%s' % rp.uuid
    if mv.at_least(req, '1.20'):
        return util.json_response(req, view(req, rp), last_modified=_stamp(rp),
                                  headers={'Location': location})
    return util.empty_response(201, headers={'Location': location})


def show(req):
    with util.db(req).reader() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
    return util.json_response(req, view(req, rp), last_modified=_stamp(rp))


def update(req):
    data = util.extract_json(req, schema.update(req))
    with util.db(req).writer() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        parent = data.get('parent_provider_uuid', ...)
        if parent is not ... and parent is not None:
            parent = util.normalize_uuid(parent)
        rp = providers.update(conn, rp, data['name'], parent,
                              allow_reparent=mv.at_least(req, '1.37'))
    return util.json_response(req, view(req, rp), last_modified=_stamp(rp))


def delete(req):
    with util.db(req).writer() as conn:
        rp = providers.require(conn, req.urlvars['uuid'], 'for delete')
        providers.delete(conn, rp)
    return util.empty_response()


def _allowed(req):
    allowed = {'name', 'uuid'}
    multi = set()
    if mv.at_least(req, '1.3'):
        allowed.add('member_of')
    if mv.at_least(req, '1.24'):
        multi.add('member_of')
    if mv.at_least(req, '1.4'):
        allowed.add('resources')
    if mv.at_least(req, '1.14'):
        allowed.add('in_tree')
    if mv.at_least(req, '1.18'):
        allowed.add('required')
    if mv.at_least(req, '1.39'):
        multi.add('required')
    return allowed, multi


def _as_list(value):
    return value if isinstance(value, list) else [value]


def list_all(req):
    allowed, multi = _allowed(req)
    params = util.query(req, allowed, multi)
    db = util.db(req)
    uuid = params.get('uuid')
    if uuid is not None:
        norm = util.normalize_uuid(uuid)
        if norm is None:
            raise errors.BadRequest(
                "Invalid query string parameters: '%s' is not a 'uuid'"
                % uuid)
        uuid = norm
    with db.reader() as conn:
        conditions = []
        if 'member_of' in params:
            aggs = filters.parse_member_of(
                req, _as_list(params['member_of']), conn)
            conditions.extend(
                filters.aggregate_conditions(providers.RP.c.id, aggs))
        if 'resources' in params:
            resources = filters.resource_ids(
                db, conn, filters.parse_resources(params['resources']))
            conditions.extend(
                filters.resources_conditions(providers.RP.c.id, resources))
        if 'required' in params:
            traits = filters.parse_required(
                req, _as_list(params['required']), db, conn)
            conditions.extend(
                filters.trait_conditions(providers.RP.c.id, traits))
        root_id = None
        if 'in_tree' in params:
            tree_uuid = util.normalize_uuid(params['in_tree'])
            if tree_uuid is None:
                raise errors.BadRequest(
                    "Invalid query string parameters: '%s' is not a 'uuid'"
                    % params['in_tree'])
            tree = providers.get(conn, tree_uuid)
            if tree is None:
                rows = []
                root_id = -1
            else:
                root_id = tree.root_provider_id
        rows = providers.list_providers(
            conn, name=params.get('name'), uuid=uuid, root_id=root_id,
            conditions=conditions)
    body = {'resource_providers': [view(req, rp) for rp in rows]}
    return util.json_response(
        req, body, last_modified=util.latest(*[_stamp(rp) for rp in rows]))
