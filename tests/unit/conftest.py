"""Fixtures shared by unit tests: real SQLite databases laid out as a
deployment has them (API database, cell0, cell1)."""

import uuid

from oslo_config import fixture as config_fixture
import pytest
import sqlalchemy as sa

import nova.conf
from nova import context as nova_context
from nova.db.api import models as api_models
from nova.db.main import models as main_models
from nova.db import session as db_session
from nova import objects
from nova import policy
from nova.objects import base as obj_base

CONF = nova.conf.CONF


@pytest.fixture(autouse=True)
def parsed_conf():
    """Policy files are looked up through the parsed config, as in the
    daemons; no config file is read. The ``conf`` fixture's clean-up
    forgets the parse, so each test parses again when needed."""
    if CONF._args is None:
        CONF([], project='nova', default_config_files=[])
    yield


@pytest.fixture(autouse=True)
def fresh_policy():
    """Each test starts from the default rules (some override them)."""
    yield
    policy.reset()


@pytest.fixture
def conf():
    fixture = config_fixture.Config(CONF)
    fixture.setUp()
    yield fixture
    fixture.cleanUp()


class Cells:
    """The API database plus cell0 and cell1, each a SQLite file."""

    def __init__(self, tmp_path):
        self.api_url = 'sqlite:///%s' % (tmp_path / 'api.sqlite')
        self.cell0_url = 'sqlite:///%s' % (tmp_path / 'cell0.sqlite')
        self.cell1_url = 'sqlite:///%s' % (tmp_path / 'cell1.sqlite')
        for url, base in ((self.api_url, api_models.BASE),
                          (self.cell0_url, main_models.BASE),
                          (self.cell1_url, main_models.BASE)):
            engine = sa.create_engine(url)
            base.metadata.create_all(engine)
            engine.dispose()
        self.context = nova_context.get_admin_context()
        self.cell0 = objects.CellMapping(
            self.context, uuid=objects.CellMapping.CELL0_UUID, name='cell0',
            transport_url='none:///', database_connection=self.cell0_url)
        self.cell1 = objects.CellMapping(
            self.context, uuid=str(uuid.uuid4()), name='cell1',
            transport_url='fake:/', database_connection=self.cell1_url)

    def create_mappings(self):
        self.cell0.create()
        self.cell1.create()


@pytest.fixture
def cells(conf, tmp_path):
    objects.register_all()
    db_session.dispose_all()
    layout = Cells(tmp_path)
    conf.config(connection=layout.api_url, group='api_database')
    conf.config(connection=layout.cell1_url, group='database')
    conf.config(state_path=str(tmp_path))
    layout.create_mappings()
    yield layout
    db_session.dispose_all()
    obj_base.set_indirection_api(None)


def make_flavor(context, **kwargs):
    values = dict(name='m1.small', flavorid='2', memory_mb=2048, vcpus=1,
                  root_gb=20, ephemeral_gb=0, swap=0)
    values.update(kwargs)
    flavor = objects.Flavor(context, **values)
    flavor.create()
    return flavor


class PlacementServer:
    """The real placement application on a SQLite file, served over HTTP
    on a free loopback port, with nova's client pointed at it."""

    def __init__(self, conf, tmp_path):
        from cheroot import wsgi
        from nova.placement import app as placement_app
        from nova.placement.db import migration
        url = 'sqlite:///%s' % (tmp_path / 'placement.sqlite')
        migration.db_sync(url)
        self.server = wsgi.Server(('127.0.0.1', 0),
                                  placement_app.build(conf.conf, url),
                                  numthreads=4)
        self.server.prepare()
        self.endpoint = 'http://127.0.0.1:%d' % self.server.bind_addr[1]
        import threading
        self.thread = threading.Thread(target=self.server.serve,
                                       daemon=True)
        self.thread.start()
        conf.config(endpoint_override=self.endpoint, group='placement')
        from nova.scheduler.client import report
        self.client = report.SchedulerReportClient()

    def add_node(self, context, uuid, name, vcpus=8, memory_mb=8192,
                 disk_gb=100, traits=(), reserved_mb=0):
        self.client.ensure_resource_provider(context, uuid, name)
        self.client.set_inventory_for_provider(context, uuid, {
            'VCPU': {'total': vcpus, 'allocation_ratio': 1.0},
            'MEMORY_MB': {'total': memory_mb, 'reserved': reserved_mb,
                          'allocation_ratio': 1.0},
            'DISK_GB': {'total': disk_gb, 'allocation_ratio': 1.0}})
        if traits:
            self.client.set_traits_for_provider(context, uuid, traits)

    def stop(self):
        self.server.stop()
        self.thread.join(5)


@pytest.fixture
def placement(conf, tmp_path):
    server = PlacementServer(conf, tmp_path)
    yield server
    server.stop()
    from nova.placement.db import session as placement_session
    placement_session.dispose_all()
