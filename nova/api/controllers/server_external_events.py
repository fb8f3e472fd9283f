"""os-server-external-events: other services (network, volume, bare
metal, accelerators) tell nova about its servers.

Each event gets its own code: 200 accepted, 404 unknown server, 422
server without a host, 400 a volume-extended event without its volume
tag. The answer is 200 when all were accepted, 207 otherwise, and 404
when none was.

The senders act for every project (their service role is not a role in
the servers' projects): once the policy has let them in, servers are
looked up and the events handed on with an administrator's view.
"""

import copy

import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import servers
from nova.api import microversions as mv
from nova.api import validation
from nova import exception
from nova.policies import server_external_events as policies

_BASE_NAMES = ['network-changed', 'network-vif-plugged',
               'network-vif-unplugged', 'network-vif-deleted']
_NAMES_BY_VERSION = (
    (mv.MV_VOLUME_EXTENDED_EVENT, 'volume-extended'),
    (mv.MV_POWER_UPDATE_EVENT, 'power-update'),
    (mv.MV_ACCELERATOR_EVENT, 'accelerator-request-bound'),
    ('2.93', 'volume-reimaged'),
)

_EVENT = {
    'type': 'object',
    'properties': {
        'server_uuid': {'type': 'string', 'format': 'uuid'},
        'name': {'type': 'string', 'enum': _BASE_NAMES},
        'status': {'type': 'string',
                   'enum': ['failed', 'completed', 'in-progress']},
        'tag': {'type': 'string', 'maxLength': 255},
    },
    'required': ['server_uuid', 'name'],
    'additionalProperties': False,
}


def _schema(version):
    event = copy.deepcopy(_EVENT)
    event['properties']['name']['enum'] = _BASE_NAMES + [
        name for since, name in _NAMES_BY_VERSION if version >= since]
    return {
        'type': 'object',
        'properties': {'events': {'type': 'array', 'minItems': 1,
                                  'items': event}},
        'required': ['events'],
        'additionalProperties': False,
    }


def _instance(ctx, uuid):
    try:
        return servers.compute_api().get(ctx, uuid)
    except exception.NotFound:
        # An unknown server fails its own events (404 in their entries),
        # not the whole request.
        return None


class ServerExternalEventsController:
    """/os-server-external-events."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        common.authorize(req, policies.CREATE)
        ctx = common.context(req).elevated()
        body = validation.body(req, _schema(common.version(req)))
        instances = {}
        accepted, accepted_instances = [], {}
        result = 200
        for event in body['events']:
            uuid = event['server_uuid']
            if uuid not in instances:
                instances[uuid] = _instance(ctx, uuid)
            inst = instances[uuid]
            event.setdefault('status', 'completed')
            if inst is None:
                event.update(status='failed', code=404)
                result = 207
            elif event['name'] == 'volume-extended' and \
                    event.get('tag') is None:
                event.update(status='failed', code=400)
                result = 207
            elif inst.host:
                event.update(status='completed', code=200)
                accepted.append({'instance_uuid': uuid,
                                 'name': event['name'],
                                 'status': event['status'],
                                 'tag': event.get('tag')})
                accepted_instances[uuid] = inst
            else:
                event.update(status='failed', code=422)
                result = 207
        if not accepted:
            raise webob.exc.HTTPNotFound(
                explanation='No instances found for any event')
        servers.compute_api().external_instance_event(
            ctx, list(accepted_instances.values()),
            accepted)
        common.set_status(result)
        return {'events': body['events']}
