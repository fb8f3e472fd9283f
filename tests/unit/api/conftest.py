import datetime
import json

import pytest
import webob

import nova.conf
from nova.api import app as api_app
from nova import objects

CONF = nova.conf.CONF


@pytest.fixture(scope='session', autouse=True)
def _objects():
    objects.register_all()


@pytest.fixture
def app():
    return api_app.build(auth_strategy='noauth2')


class Client:
    def __init__(self, app):
        self.app = app

    def request(self, method, path, body=None, token='demo:demo',
                version=None, headers=None):
        req = webob.Request.blank(path, method=method)
        if token:
            req.headers['X-Auth-Token'] = token
        if version:
            req.headers['OpenStack-API-Version'] = 'compute %s' % version
        for name, value in (headers or {}).items():
            req.headers[name] = value
        if body is not None:
            req.body = (body if isinstance(body, bytes)
                        else json.dumps(body).encode())
            req.content_type = 'application/json'
        resp = req.get_response(self.app)
        resp.json_body_or_none = (json.loads(resp.body)
                                  if resp.body and resp.content_type ==
                                  'application/json' else None)
        return resp


@pytest.fixture
def client(app):
    return Client(app)


NOW = datetime.datetime(2024, 5, 1, 12, 0, 0)


def make_flavor(flavorid='1', name='m1.tiny', **kw):
    values = dict(id=int(kw.pop('db_id', 1)), flavorid=flavorid, name=name,
                  memory_mb=512, vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                  rxtx_factor=1.0, vcpu_weight=None, disabled=False,
                  is_public=True, extra_specs={}, projects=[],
                  description=None, created_at=NOW, updated_at=None)
    values.update(kw)
    return objects.Flavor(**values)


def make_instance(uuid='6e3f2a36-7d50-4c41-8c3a-0fe1a4f4d0c1', **kw):
    values = dict(
        id=1, uuid=uuid, user_id='demo', project_id='demo',
        image_ref='155d900f-4e14-4e4c-a73d-069cbf4541e6', hostname='vm1',
        display_name='vm1', display_description=None, host='cmp1',
        node='cmp1-node', launched_on='cmp1', instance_type_id=1,
        memory_mb=512, vcpus=1, root_gb=1, ephemeral_gb=0,
        vm_state='active', task_state=None, power_state=1,
        launched_at=NOW, terminated_at=None, availability_zone='nova',
        key_name=None, key_data=None, user_data=None, reservation_id='r-1',
        launch_index=0, locked=False, locked_by=None, config_drive='',
        access_ip_v4=None, access_ip_v6=None, progress=0,
        root_device_name=None, metadata={}, system_metadata={},
        flavor=make_flavor(), fault=None, created_at=NOW, updated_at=NOW,
        deleted_at=None, deleted=False)
    values.update(kw)
    return objects.Instance(**values)


# Real databases and compute API for the resource controllers' tests.
from tests.unit.api.resources_fixtures import hosts  # noqa: E402,F401
from tests.unit.api.resources_fixtures import world  # noqa: E402,F401
