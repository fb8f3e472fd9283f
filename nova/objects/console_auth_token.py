"""Console auth tokens: what a console proxy needs to reach a guest's
console, behind a random token handed to the user."""

import hashlib
import secrets
import time

from oslo_versionedobjects import fields

from nova.db.main import console_auth_tokens as db
from nova import exception
from nova.objects import base

_COLUMNS = ('id', 'console_type', 'host', 'port', 'tls_port',
            'internal_access_path', 'instance_uuid', 'expires',
            'access_url_base', 'created_at', 'updated_at')


def token_hash(token):
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


def _from_db(context, obj, row):
    for name in _COLUMNS:
        setattr(obj, name, getattr(row, name))
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class ConsoleAuthToken(base.NovaTimestampObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'console_type': fields.StringField(nullable=False),
        'host': fields.StringField(nullable=False),
        'port': fields.IntegerField(nullable=False),
        'tls_port': fields.IntegerField(nullable=True),
        'internal_access_path': fields.StringField(nullable=True),
        'instance_uuid': fields.UUIDField(nullable=False),
        'access_url_base': fields.StringField(nullable=True),
        # Only set on the object that authorized the token.
        'token': fields.StringField(nullable=False),
        'expires': fields.IntegerField(nullable=False),
    }

    @property
    def access_url(self):
        if not self.obj_attr_is_set('token') or not self.access_url_base:
            return None
        sep = '&' if '?' in self.access_url_base else '?'
        return '%s%stoken=%s' % (self.access_url_base, sep, self.token)

    @base.remotable
    def authorize(self, ttl):
        """Store the connection details under a new token for ``ttl``
        seconds; returns the token (kept on the object too)."""
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='authorize',
                                              reason='already authorized')
        token = secrets.token_urlsafe(32)
        expires = int(time.time()) + int(ttl)
        values = {name: getattr(self, name) for name in (
            'console_type', 'host', 'port', 'tls_port',
            'internal_access_path', 'instance_uuid', 'access_url_base')
            if self.obj_attr_is_set(name)}
        values.update(token_hash=token_hash(token), expires=expires)
        _from_db(self._context, self,
                 db.console_auth_token_create(self._context, values))
        self.token = token
        self.obj_reset_changes(['token'])
        return token

    @base.remotable_classmethod
    def validate(cls, context, token, instance_uuid=None):
        """The token's details; ConsoleAuthTokenNotFound when it is
        unknown or expired."""
        row = db.console_auth_token_get_valid(
            context, token_hash(token), instance_uuid, now=int(time.time()))
        if row is None:
            raise exception.ConsoleAuthTokenNotFound()
        obj = _from_db(context, cls(), row)
        obj.token = token
        obj.obj_reset_changes(['token'])
        return obj

    @base.remotable_classmethod
    def clean_console_auths_for_instance(cls, context, instance_uuid):
        db.console_auth_token_destroy_all_by_instance(context, instance_uuid)

    @base.remotable_classmethod
    def clean_expired_console_auths(cls, context, host=None):
        return db.console_auth_token_destroy_expired(
            context, int(time.time()), host=host)
