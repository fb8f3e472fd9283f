"""os-keypairs: ssh (and x509) key pairs of a user.

Create generates a key pair (until 2.92) or imports a public key; admins
act for other users with user_id (2.10). Create answers 201 and delete
204 from 2.2 (200 and 202 before).
"""

import pecan
import webob.exc

from nova.api import common
from nova.api import faults
from nova.api.schemas import keypairs as schema
from nova.api import validation
from nova.api.views import services as services_view
from nova.compute import keypairs as keypair_api
from nova import exception
from nova import objects
from nova.policies import keypairs as policies


def _user(req, params, rule):
    """The user whose key pairs are meant, once ``rule`` allows the
    caller on them: the caller, or the user_id an administrator names
    (2.10). Key pairs are looked up among that user's only, so another
    user's key pair of the same name is a 404."""
    user_id = None
    if common.version(req) >= schema.MV_KEYPAIR_USER:
        user_id = params.get('user_id')
    user_id = user_id or common.context(req).user_id
    common.authorize(req, rule, {'user_id': user_id})
    return user_id


def _summary(req, kp):
    body = {'name': kp.name, 'public_key': kp.public_key,
            'fingerprint': kp.fingerprint}
    if common.version(req) >= schema.MV_KEYPAIR_TYPE:
        body['type'] = kp.type
    return body


class KeypairController:
    """/os-keypairs/{name}."""

    def __init__(self, name):
        self.name = name

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        params = validation.query(req, schema.query(common.version(req)))
        user_id = _user(req, params, policies.SHOW)
        kp = objects.KeyPair.get_by_name(common.context(req), user_id,
                                         self.name)
        body = _summary(req, kp)
        body.update({
            'user_id': kp.user_id, 'id': kp.id, 'deleted': False,
            'created_at': services_view.timestamp(kp.created_at),
            'updated_at': services_view.timestamp(kp.updated_at),
            'deleted_at': None,
        })
        return {'keypair': body}

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        params = validation.query(req, schema.query(common.version(req)))
        user_id = _user(req, params, policies.DELETE)
        objects.KeyPair(common.context(req), user_id=user_id,
                        name=self.name).destroy()
        if common.version(req) >= schema.MV_KEYPAIR_TYPE:
            return common.empty_response(204)
        return common.empty_response(202)


class KeypairsController:
    """/os-keypairs."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        version = common.version(req)
        params = validation.query(req, schema.query(version, paging=True))
        user_id = _user(req, params, policies.INDEX)
        limit = params.get('limit')
        limit = int(limit) if limit is not None else None
        if limit is not None:
            limit = min(limit, common.CONF.api.max_limit)
        keypairs = objects.KeyPairList.get_by_user(
            common.context(req), user_id, limit=limit,
            marker=params.get('marker'))
        items = [{'keypair': _summary(req, kp)} for kp in keypairs]
        body = {'keypairs': items}
        if limit is not None and len(items) == limit and items:
            links = common.collection_links(
                req, [{'name': kp.name} for kp in keypairs],
                'os-keypairs', limit, id_key='name')
            if links:
                body['keypairs_links'] = links
        return body

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        version = common.version(req)
        values = validation.body(req, schema.create(version))['keypair']
        user_id = _user(req, values, policies.CREATE)
        key_type = values.get('type', 'ssh')
        # Upstream words this quota error its own way.
        with faults.translate((exception.OverQuota, 403,
                               'Quota exceeded, too many key pairs.')):
            kp, private = keypair_api.create(
                common.context(req), user_id, values['name'],
                key_type=key_type, public_key=values.get('public_key'),
                special_chars=version >= schema.MV_KEYPAIR_IMPORT_ONLY)
        body = _summary(req, kp)
        body['user_id'] = kp.user_id
        if private is not None:
            body['private_key'] = private
        if version >= schema.MV_KEYPAIR_TYPE:
            common.set_status(201)
        return {'keypair': body}

    @pecan.expose()
    def _lookup(self, name, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return KeypairController(name), remainder
