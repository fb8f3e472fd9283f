"""The WSGI application of nova-metadata-api.

Every request but ``GET /`` (the EC2 versions, which are the same for
everyone) is first tied to the server asking (lookup.MetadataSource), then
answered from that server's trees (content.InstanceMetadata):

- a listing (a version's files, an EC2 directory) as text/plain, one
  name a line, EC2 sub-directories with a trailing "/";
- a JSON file (meta_data.json, network_data.json, vendor data) as
  application/json;
- anything else (user data, an EC2 value) as text/plain, as stored;
- ``/openstack/<version>/password``: GET gives the password the guest
  posted (empty before), POST keeps the body as the password once.

Statuses: 404 for a path the server's trees do not have (or a server not
found), 400/403 for a request the metadata proxy did not sign properly
(see lookup), 405 for any method but GET and HEAD (and POST to the
password), 409 for a second password, 500 when the conductor or Neutron
fails. No Keystone token is involved: guests have none.
"""

import posixpath

from oslo_log import log as logging
import webob
import webob.dec
import webob.exc

from nova.metadata import content
from nova.metadata import lookup
from nova.metadata import password
from nova.metadata import vendordata

LOG = logging.getLogger(__name__)

READ_METHODS = ('GET', 'HEAD')


def render(body):
    """The bytes of a tree value."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, dict):
        text = content.ec2_listing(body)
    elif isinstance(body, (list, tuple)):
        text = '\n'.join(str(item) for item in body)
    else:
        text = str(body)
    return text.encode('utf-8')


def _response(body, content_type=content.TEXT, status=200):
    return webob.Response(body=render(body), status=status,
                          content_type=content_type)


def _not_allowed(allowed):
    return webob.exc.HTTPMethodNotAllowed(
        headers={'Allow': ', '.join(allowed)})


def _error(exc):
    cls = webob.exc.status_map.get(exc.code,
                                   webob.exc.HTTPInternalServerError)
    return cls(explanation=exc.message)


class MetadataApp:
    """Serves the metadata of the server asking (see the module
    docstring)."""

    def __init__(self, source=None):
        self.source = source or lookup.MetadataSource()

    @webob.dec.wsgify
    def __call__(self, req):
        path = posixpath.normpath('/' + req.path_info.lstrip('/'))
        is_password = posixpath.basename(path) == content.PASSWORD
        if req.method not in READ_METHODS + ('POST',):
            return _not_allowed(READ_METHODS + (('POST',) if is_password
                                                else ()))
        if path == '/':
            if req.method == 'POST':
                return _not_allowed(READ_METHODS)
            return _response(list(content.EC2_VERSIONS) + [content.LATEST])
        try:
            md = self.source.for_request(req.headers, req.remote_addr)
        except lookup.RequestError as exc:
            LOG.info('%s %s from %s: %d %s', req.method, path,
                     req.remote_addr, exc.code, exc.message)
            return _error(exc)
        resp = self._answer(req, path, md)
        LOG.info('%(method)s %(path)s of instance %(uuid)s (from '
                 '%(address)s): %(status)s',
                 {'method': req.method, 'path': path, 'uuid': md.uuid,
                  'address': (req.headers.get('X-Forwarded-For') or
                              req.remote_addr),
                  'status': resp.status_int})
        return resp

    def _answer(self, req, path, md):
        try:
            body, content_type = md.lookup(path)
        except content.NotFound:
            return webob.exc.HTTPNotFound()
        except vendordata.VendorDataError as exc:
            return webob.exc.HTTPInternalServerError(explanation=str(exc))
        if isinstance(body, content.Password):
            return self._password(req, md)
        if req.method == 'POST':
            return _not_allowed(READ_METHODS)
        return _response(body, content_type)

    def _password(self, req, md):
        if req.method == 'POST':
            # Read no more than can be kept: a longer body is refused.
            body = req.body_file.read(password.MAX_SIZE + 1)
            try:
                self.source.save_password(md, body)
            except lookup.RequestError as exc:
                return _error(exc)
            return _response(b'')
        return _response(password.extract(md.instance.system_metadata)
                         or b'')


def build():
    """The application, with a MetadataSource of the configuration."""
    return MetadataApp()
