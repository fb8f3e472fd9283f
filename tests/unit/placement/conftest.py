"""A placement application on a fresh SQLite file database per test, and
a small client that speaks to it with webob requests."""

import json
import os
import uuid

import pytest
import sqlalchemy as sa
import webob

from nova.placement import app as placement_app
from nova.placement.db import migration
from nova.placement.db import session as db_session


class Client:
    def __init__(self, app, version='latest'):
        self.app = app
        self.version = version

    def request(self, method, path, body=None, version=None, headers=None,
                token='admin', raw=None):
        req = webob.Request.blank(path, method=method)
        if token:
            req.headers['X-Auth-Token'] = token
        version = self.version if version is None else version
        if version:
            req.headers['OpenStack-API-Version'] = 'placement %s' % version
        if body is not None:
            req.body = json.dumps(body).encode('utf-8')
            req.content_type = 'application/json'
        if raw is not None:
            req.body = raw
            req.content_type = 'application/json'
        for name, value in (headers or {}).items():
            req.headers[name] = value
        return req.get_response(self.app)

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, body=None, **kw):
        return self.request('POST', path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request('PUT', path, body, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)

    # -- helpers ---------------------------------------------------------
    def create_provider(self, name, parent=None, uuid_=None):
        body = {'name': name}
        if parent:
            body['parent_provider_uuid'] = parent
        if uuid_:
            body['uuid'] = uuid_
        resp = self.post('/resource_providers', body)
        assert resp.status_int == 200, resp.body
        return resp.json['uuid']

    def generation(self, rp):
        return self.get('/resource_providers/%s' % rp).json['generation']

    def set_inventory(self, rp, **totals):
        invs = {}
        for name, value in totals.items():
            invs[name] = value if isinstance(value, dict) else {
                'total': value}
        resp = self.put('/resource_providers/%s/inventories' % rp, {
            'resource_provider_generation': self.generation(rp),
            'inventories': invs})
        assert resp.status_int == 200, resp.body
        return resp.json

    def set_traits(self, rp, *traits):
        for trait in traits:
            if trait.startswith('CUSTOM_'):
                self.put('/traits/%s' % trait)
        resp = self.put('/resource_providers/%s/traits' % rp, {
            'resource_provider_generation': self.generation(rp),
            'traits': list(traits)})
        assert resp.status_int == 200, resp.body

    def set_aggregates(self, rp, *aggs):
        resp = self.put('/resource_providers/%s/aggregates' % rp, {
            'resource_provider_generation': self.generation(rp),
            'aggregates': list(aggs)})
        assert resp.status_int == 200, resp.body

    def allocate(self, consumer, allocs, generation=None, project='p',
                 user='u', expect=204, consumer_type='INSTANCE'):
        body = {'allocations': {rp: {'resources': res}
                                for rp, res in allocs.items()},
                'project_id': project, 'user_id': user,
                'consumer_generation': generation,
                'consumer_type': consumer_type}
        resp = self.put('/allocations/%s' % consumer, body)
        assert resp.status_int == expect, resp.body
        return resp


def new_uuid():
    return str(uuid.uuid4())


# NOVA_PLACEMENT_TEST_MYSQL=mysql+pymysql://root@127.0.0.1:3306 runs the
# same tests on MariaDB, each in a database of its own.
MYSQL_SERVER = os.environ.get('NOVA_PLACEMENT_TEST_MYSQL')


@pytest.fixture
def placement_url(tmp_path):
    if MYSQL_SERVER:
        name = 'placement_helper_%s' % uuid.uuid4().hex[:8]
        server = sa.create_engine(MYSQL_SERVER)
        with server.begin() as conn:
            conn.exec_driver_sql('CREATE DATABASE %s CHARACTER SET utf8mb4'
                                 % name)
        url = '%s/%s?charset=utf8mb4' % (MYSQL_SERVER, name)
    else:
        url = 'sqlite:///%s' % (tmp_path / 'placement.sqlite')
    migration.db_sync(url)
    yield url
    db_session.dispose_all()
    if MYSQL_SERVER:
        with server.begin() as conn:
            conn.exec_driver_sql('DROP DATABASE %s' % name)
        server.dispose()


@pytest.fixture
def client(conf, placement_url):
    return Client(placement_app.build(conf.conf, placement_url))
