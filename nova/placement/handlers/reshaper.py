"""POST /reshaper (1.30): move inventories and allocations between the
providers of a tree in one atomic step (a virt driver splitting a root
provider's VGPUs into child providers, for example)."""

from nova.placement import allocations
from nova.placement import errors
from nova.placement.handlers import allocation as allocation_handler
from nova.placement import inventories
from nova.placement import microversion as mv
from nova.placement import names
from nova.placement import providers
from nova.placement.schemas import reshaper as schema
from nova.placement import util


def reshape(req):
    if not mv.at_least(req, '1.30'):
        raise errors.NotFound('The resource could not be found.')
    data = util.extract_json(req, schema.reshape(req))
    db = util.db(req)
    wanted = []
    for consumer_uuid, entry in data['allocations'].items():
        norm = util.normalize_uuid(consumer_uuid)
        if norm is None:
            raise errors.BadRequest('Malformed consumer_uuid: %s'
                                    % consumer_uuid)
        wanted.append(allocation_handler._wanted(req, norm, entry))
    with db.writer() as conn:
        name_of = names.rc_names(db, conn)
        # The consumers' current allocations go first, so that the
        # inventories they were holding can be removed or shrunk.
        consumer_uuids = [w.consumer_uuid for w in wanted]
        if consumer_uuids:
            conn.execute(allocations.ALLOC.delete().where(
                allocations.ALLOC.c.consumer_id.in_(consumer_uuids)))
        for rp_uuid, entry in data['inventories'].items():
            norm = util.normalize_uuid(rp_uuid)
            rp = providers.get(conn, norm) if norm else None
            if rp is None:
                raise errors.BadRequest(
                    'Resource provider %s in inventories not found'
                    % rp_uuid, code=errors.PROVIDER_NOT_FOUND)
            new = {}
            for name, inv in entry['inventories'].items():
                rc = names.rc_id(db, conn, name)
                new[rc] = inventories.with_defaults(inv)
                inventories.check_reserved(rp, name, new[rc], True)
            inventories.replace(conn, rp,
                                entry['resource_provider_generation'], new,
                                name_of)
        allocations.replace(db, conn, wanted)
    return util.empty_response()
