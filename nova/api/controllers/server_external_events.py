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

import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import servers
from nova.api.schemas import server_external_events as schema
from nova.api import validation
from nova import exception
from nova.policies import server_external_events as policies


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
        body = validation.body(req, schema.create(common.version(req)))
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
