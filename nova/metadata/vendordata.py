"""Vendor data: what the operator (or a service of theirs) hands every
guest beside its own metadata.

- StaticJSON: the JSON file of [api] vendordata_jsonfile_path, served as
  vendor_data.json and as "static" in vendor_data2.json. The file is read
  again when it changes; a missing or broken file is logged once and
  gives {}.
- DynamicJSON: each service of [api] vendordata_dynamic_targets
  ("name@url") is POSTed a description of the server; its JSON answer is
  served under "name" in vendor_data2.json. The requests carry a token
  of the [vendordata_dynamic_auth] user when that group has credentials.
  A failing service is logged and left out, or fails the request with
  [api] vendordata_dynamic_failure_fatal.
"""

import os
import threading

from keystoneauth1 import exceptions as ks_exc
from oslo_log import log as logging
from oslo_serialization import jsonutils

import nova.conf
from nova.conf import vendordata as vendordata_conf
from nova import service_auth

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

USER_AGENT = 'openstack-nova-vendordata'


class VendorDataError(Exception):
    """A dynamic vendordata service failed and
    vendordata_dynamic_failure_fatal is set."""


class StaticJSON:
    """The JSON file of [api] vendordata_jsonfile_path (or ``path``)."""

    def __init__(self, path=None):
        self._path = path
        self._lock = threading.Lock()
        self._seen = None       # (path, stat signature) last read
        self._data = {}

    @property
    def path(self):
        return self._path or CONF.api.vendordata_jsonfile_path

    @staticmethod
    def _signature(path):
        try:
            st = os.stat(path)
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def get(self):
        """The file's JSON object ({} without a usable file)."""
        path = self.path
        if not path:
            return {}
        seen = (path, self._signature(path))
        with self._lock:
            if seen != self._seen:
                self._data = self._read(path)
                self._seen = seen
            return dict(self._data)

    @staticmethod
    def _read(path):
        prefix = 'vendordata_jsonfile_path %s' % path
        try:
            with open(path, 'rb') as f:
                data = jsonutils.loads(f.read())
        except FileNotFoundError:
            LOG.warning('%s: the file does not exist; serving no static '
                        'vendor data', prefix)
            return {}
        except OSError as exc:
            LOG.warning('%s cannot be read (%s); serving no static vendor '
                        'data', prefix, exc)
            return {}
        except ValueError as exc:
            LOG.warning('%s is not valid JSON (%s); serving no static '
                        'vendor data', prefix, exc)
            return {}
        if not isinstance(data, dict):
            LOG.warning('%s holds a JSON %s, not an object; serving no '
                        'static vendor data', prefix, type(data).__name__)
            return {}
        LOG.info('%s loaded (%d keys)', prefix, len(data))
        return data


def targets():
    """[(name, url)] of [api] vendordata_dynamic_targets, skipping (with a
    warning) entries without a name and repeated names."""
    found = []
    names = set()
    for target in CONF.api.vendordata_dynamic_targets:
        name, sep, url = target.partition('@')
        if not sep or not name or not url:
            LOG.warning('Vendordata target %s is not of the form name@url; '
                        'skipping it', target)
            continue
        if name in names:
            LOG.warning('Vendordata target name %s is used twice; skipping '
                        '%s', name, target)
            continue
        names.add(name)
        found.append((name, url))
    return found


def _session():
    group = vendordata_conf.VENDORDATA_GROUP
    auth = service_auth.get_service_auth_plugin(group)
    if auth is None:
        LOG.warning('[%s] has no credentials: dynamic vendordata requests '
                    'go out without a token', group)
    return service_auth.get_session(group), auth


def request_body(instance):
    """What a dynamic vendordata service is told about ``instance``."""
    system_metadata = instance.system_metadata or {}
    return {'project-id': instance.project_id,
            'instance-id': instance.uuid,
            'image-id': instance.image_ref,
            'user-data': instance.user_data,
            'hostname': instance.hostname,
            'metadata': dict(instance.metadata or {}),
            'boot-roles': system_metadata.get('boot_roles', '')}


class DynamicJSON:
    """The answers of the dynamic vendordata services for one server.

    Callable: returns {target name: answer}. The services are asked on
    the first call only; the metadata service keeps this object as long as
    it caches the server's metadata.
    """

    def __init__(self, instance):
        self.instance = instance
        self._lock = threading.Lock()
        self._data = None

    def __call__(self):
        with self._lock:
            if self._data is None:
                self._data = self._fetch_all()
            return dict(self._data)

    def _fetch_all(self):
        wanted = targets()
        if not wanted:
            return {}
        session, auth = _session()
        return {name: self._fetch(session, auth, name, url)
                for name, url in wanted}

    def _fetch(self, session, auth, name, url):
        verify = url.startswith('https://')
        if verify and CONF.api.vendordata_dynamic_ssl_certfile:
            verify = CONF.api.vendordata_dynamic_ssl_certfile
        try:
            resp = session.request(
                url, 'POST', auth=auth, authenticated=auth is not None,
                data=jsonutils.dumps(request_body(self.instance)),
                headers={'Content-Type': 'application/json',
                         'Accept': 'application/json',
                         'User-Agent': USER_AGENT},
                verify=verify,
                timeout=(CONF.api.vendordata_dynamic_connect_timeout,
                         CONF.api.vendordata_dynamic_read_timeout))
            return jsonutils.loads(resp.text) if resp.text else {}
        except (TypeError, ValueError, ks_exc.ClientException) as exc:
            LOG.warning('Dynamic vendordata service %s at %s failed: %s',
                        name, url, exc, instance=self.instance)
            if CONF.api.vendordata_dynamic_failure_fatal:
                raise VendorDataError('vendordata service %s at %s failed: '
                                      '%s' % (name, url, exc))
            return {}
