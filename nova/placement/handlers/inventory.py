"""/resource_providers/{uuid}/inventories[/{resource_class}]."""

from nova.placement import errors
from nova.placement import inventories
from nova.placement import microversion as mv
from nova.placement import names
from nova.placement import providers
from nova.placement.schemas import inventory as schema
from nova.placement import util


def view(row):
    return {'total': row.total, 'reserved': row.reserved,
            'min_unit': row.min_unit, 'max_unit': row.max_unit,
            'step_size': row.step_size,
            'allocation_ratio': row.allocation_ratio}


def _dict_view(inv):
    return {f: inv[f] for f in inventories.FIELDS}


def _stamp(rows):
    return util.latest(*[r.updated_at or r.created_at for r in rows])


def _rc_for_write(db, conn, rp, name):
    rc = names.rc_id(db, conn, name, required=False)
    if rc is None:
        raise errors.BadRequest(
            'Unknown resource class in inventory for resource provider '
            '%s: %s' % (rp.uuid, name))
    return rc


def _checked(req, rp, name, data):
    inv = inventories.with_defaults(data)
    inventories.check_reserved(rp, name, inv, mv.at_least(req, '1.26'))
    return inv


def get_all(req):
    db = util.db(req)
    with db.reader() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        rows = inventories.get_all(conn, rp.id)
        name_of = names.rc_names(db, conn)
        body = {'inventories': {name_of(rc): view(row)
                                for rc, row in rows.items()},
                'resource_provider_generation': rp.generation}
    return util.json_response(req, body,
                              last_modified=_stamp(list(rows.values())))


def get_one(req):
    db = util.db(req)
    name = req.urlvars['resource_class']
    with db.reader() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        rc = names.rc_id(db, conn, name, required=False)
        row = inventories.get_all(conn, rp.id).get(rc)
    if row is None:
        raise errors.NotFound('No inventory of class %s for %s'
                              % (name, rp.uuid))
    body = view(row)
    body['resource_provider_generation'] = rp.generation
    return util.json_response(req, body, last_modified=_stamp([row]))


def put_all(req):
    data = util.extract_json(req, schema.PUT_INVENTORIES)
    db = util.db(req)
    with db.writer() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        new = {}
        for name, inv in data['inventories'].items():
            new[_rc_for_write(db, conn, rp, name)] = _checked(
                req, rp, name, inv)
        gen = inventories.replace(conn, rp,
                                  data['resource_provider_generation'], new,
                                  names.rc_names(db, conn))
        name_of = names.rc_names(db, conn)
        body = {'inventories': {name_of(rc): _dict_view(inv)
                                for rc, inv in new.items()},
                'resource_provider_generation': gen}
    return util.json_response(req, body, last_modified=None)


def post_one(req):
    data = util.extract_json(req, schema.POST_INVENTORY)
    db = util.db(req)
    name = data['resource_class']
    with db.writer() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        rc = _rc_for_write(db, conn, rp, name)
        inv = _checked(req, rp, name, data)
        gen = inventories.add(conn, rp, data['resource_provider_generation'],
                              rc, inv, name)
    body = _dict_view(inv)
    body['resource_provider_generation'] = gen
    location = '/resource_providers/%s/inventories/%s' % (rp.uuid, name)
    return util.json_response(req, body, status=201, last_modified=None,
                              headers={'Location': location})


def put_one(req):
    data = util.extract_json(req, schema.PUT_INVENTORY)
    db = util.db(req)
    name = req.urlvars['resource_class']
    with db.writer() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        rc = _rc_for_write(db, conn, rp, name)
        inv = _checked(req, rp, name, data)
        gen = inventories.update_one(
            conn, rp, data['resource_provider_generation'], rc, inv, name)
    body = _dict_view(inv)
    body['resource_provider_generation'] = gen
    return util.json_response(req, body, last_modified=None)


def delete_one(req):
    db = util.db(req)
    name = req.urlvars['resource_class']
    with db.writer() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        rc = names.rc_id(db, conn, name, required=False)
        if rc is None:
            raise errors.NotFound(
                'No inventory of class %s found for delete' % name)
        inventories.delete_one(conn, rp, rc, name)
    return util.empty_response()


def delete_all(req):
    if not mv.at_least(req, '1.5'):
        raise errors.MethodNotAllowed(
            'The method specified is not allowed for this resource.',
            headers={'Allow': 'GET, POST, PUT'})
    db = util.db(req)
    with db.writer() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        inventories.replace(conn, rp, rp.generation, {},
                            names.rc_names(db, conn))
    return util.empty_response()
