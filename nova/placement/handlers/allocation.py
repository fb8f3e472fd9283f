"""/allocations/{consumer_uuid}, POST /allocations (1.13) and
/resource_providers/{uuid}/allocations."""

import collections

from nova.placement import allocations
from nova.placement import errors
from nova.placement import microversion as mv
from nova.placement import names
from nova.placement import providers
from nova.placement.schemas import allocation as schema
from nova.placement import util


def _normalized_allocations(req, data):
    """{rp_uuid: {rc_name: amount}} from either body format."""
    out = collections.OrderedDict()
    if mv.at_least(req, '1.12'):
        for rp_uuid, entry in data.items():
            norm = util.normalize_uuid(rp_uuid)
            if norm is None:
                raise errors.BadRequest(
                    'JSON does not validate: %r is not a valid uuid'
                    % rp_uuid)
            out.setdefault(norm, {}).update(entry['resources'])
    else:
        for entry in data:
            norm = util.normalize_uuid(entry['resource_provider']['uuid'])
            out.setdefault(norm, {}).update(entry['resources'])
    return out


def _wanted(req, consumer_uuid, data):
    conf = util.conf(req)
    return allocations.ConsumerAllocations(
        consumer_uuid=consumer_uuid,
        allocations=_normalized_allocations(req, data['allocations']),
        project_id=data.get(
            'project_id', conf.placement_api.incomplete_consumer_project_id),
        user_id=data.get('user_id',
                         conf.placement_api.incomplete_consumer_user_id),
        generation=(data['consumer_generation']
                    if mv.at_least(req, '1.28') else allocations.UNSET),
        consumer_type=data.get('consumer_type'))


def _consumer_uuid(req):
    uuid = util.normalize_uuid(req.urlvars['consumer_uuid'])
    if uuid is None:
        raise errors.BadRequest('Malformed consumer_uuid: %s'
                                % req.urlvars['consumer_uuid'])
    return uuid


def list_for_consumer(req):
    db = util.db(req)
    consumer_uuid = _consumer_uuid(req)
    with db.reader() as conn:
        rows = allocations.for_consumer(conn, consumer_uuid)
        consumer = (allocations.get_consumer(conn, consumer_uuid)
                    if rows else None)
        name_of = names.rc_names(db, conn)
        body = {}
        for rp_uuid, generation, rc, used, _stamp in rows:
            entry = body.setdefault(rp_uuid, {'generation': generation,
                                              'resources': {}})
            entry['resources'][name_of(rc)] = used
    result = {'allocations': body}
    if consumer is not None:
        if mv.at_least(req, '1.12'):
            result['project_id'] = consumer.project_id
            result['user_id'] = consumer.user_id
        if mv.at_least(req, '1.28'):
            result['consumer_generation'] = consumer.generation
        if mv.at_least(req, '1.38'):
            result['consumer_type'] = consumer.consumer_type or 'unknown'
    stamp = util.latest(*[r[4] for r in rows])
    return util.json_response(req, result, last_modified=stamp)


def set_for_consumer(req):
    allow_empty = mv.at_least(req, '1.28')
    data = util.extract_json(req, schema.consumer(req, allow_empty))
    db = util.db(req)
    want = _wanted(req, _consumer_uuid(req), data)
    with db.writer() as conn:
        allocations.replace(db, conn, [want])
    return util.empty_response()


def set_many(req):
    if not mv.at_least(req, '1.13'):
        raise errors.MethodNotAllowed(
            'The method specified is not allowed for this resource.',
            headers={'Allow': ''})
    data = util.extract_json(req, schema.set_many(req))
    wanted = []
    for consumer_uuid, entry in data.items():
        norm = util.normalize_uuid(consumer_uuid)
        if norm is None:
            raise errors.BadRequest('Malformed consumer_uuid: %s'
                                    % consumer_uuid)
        wanted.append(_wanted(req, norm, entry))
    db = util.db(req)
    with db.writer() as conn:
        allocations.replace(db, conn, wanted)
    return util.empty_response()


def delete(req):
    consumer_uuid = _consumer_uuid(req)
    with util.db(req).writer() as conn:
        allocations.delete_for_consumer(conn, consumer_uuid)
    return util.empty_response()


def list_for_provider(req):
    db = util.db(req)
    with db.reader() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        rows = allocations.for_provider(conn, rp.id)
        name_of = names.rc_names(db, conn)
        body = {}
        for consumer, rc, used, _stamp in rows:
            body.setdefault(consumer, {'resources': {}})['resources'][
                name_of(rc)] = used
    return util.json_response(
        req, {'allocations': body,
              'resource_provider_generation': rp.generation},
        last_modified=util.latest(*[r[3] for r in rows]))
