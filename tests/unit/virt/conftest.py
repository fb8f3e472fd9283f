"""Fixtures for the virt driver tests: config overrides and instances."""

import uuid

import pytest
from oslo_config import fixture as config_fixture

import nova.conf


class StubInstance(object):
    """The attributes a virt driver reads from nova.objects.Instance."""

    def __init__(self, node=None, host='compute1', vcpus=1, memory_mb=512,
                 root_gb=1, ephemeral_gb=0, image_ref='image-ok', id=1,
                 display_name='vm', instance_uuid=None):
        self.uuid = instance_uuid or str(uuid.uuid4())
        self.node = node
        self.host = host
        self.vcpus = vcpus
        self.memory_mb = memory_mb
        self.root_gb = root_gb
        self.ephemeral_gb = ephemeral_gb
        self.image_ref = image_ref
        self.id = id
        self.display_name = display_name

    @property
    def name(self):
        # As nova.objects.Instance.name with the default template.
        return 'instance-%08x' % self.id if self.id is not None else ''
        self.flavor = None


@pytest.fixture
def conf(tmp_path):
    """nova.conf.CONF with test overrides, undone after the test."""
    fixture = config_fixture.Config(nova.conf.CONF)
    fixture.setUp()
    fixture.config(host='compute1', state_path=str(tmp_path / 'state'))
    try:
        yield fixture
    finally:
        fixture.cleanUp()


@pytest.fixture
def make_instance():
    counter = iter(range(1, 1000000))

    def _make(**kwargs):
        kwargs.setdefault('id', next(counter))
        return StubInstance(**kwargs)
    return _make
