"""OS-DCF:diskConfig in nova.compute.api (nova.compute.disk_config):
what create, rebuild, resize and update store in auto_disk_config, and
the images that refuse AUTO; real SQLite databases, the casts to the
conductor and the compute hosts recorded instead of sent."""

import pytest

from nova.compute import disk_config
from nova import context as nova_context
from nova import exception
from nova.image import api as image_api
from tests.unit.compute.conftest import Recorder
# The compute API and server fixtures of the basic actions, by name.
from tests.unit.compute.test_api_basic import api  # noqa: F401
from tests.unit.compute.test_api_basic import server  # noqa: F401
from tests.unit.conftest import make_flavor


@pytest.fixture
def compute(api):  # noqa: F811
    """The compute API of test_api_basic with the conductor recorded too
    (boots and resizes go to it)."""
    api.compute_task_api = Recorder()
    return api


def _ctx():
    return nova_context.RequestContext(user_id='u1', project_id='p1',
                                       roles=['member', 'reader'])


def _image(prop=None):
    """An image, with the auto_disk_config property ``prop`` (if any)."""
    meta = {'name': 'img', 'disk_format': 'raw', 'container_format': 'bare',
            'visibility': 'public'}
    if prop is not None:
        meta['auto_disk_config'] = prop
    return image_api.API().create(_ctx(), meta, data=b'x' * 1024)['id']


def _stored(compute, inst):
    return compute.get(nova_context.get_admin_context(),
                       inst.uuid).auto_disk_config


@pytest.mark.parametrize('prop,requested,stored', [
    (None, None, False),
    (None, True, True),
    (None, False, False),
    ('True', None, True),
    ('true', False, False),
    ('False', None, False),
    ('disabled', None, False),
    (' Disabled ', False, False),
])
def test_create_stores_the_request_or_the_images_default(
        compute, cells, prop, requested, stored):
    (inst,), _ = compute.create(_ctx(), make_flavor(cells.context),
                                _image(prop), name='vm',
                                auto_disk_config=requested)
    assert inst.auto_disk_config is stored
    # As the build request keeps it for the conductor.
    assert _stored(compute, inst) is stored


def test_create_with_auto_refused_by_an_image_that_disabled_it(compute,
                                                               cells):
    image_id = _image('disabled')
    with pytest.raises(exception.AutoDiskConfigDisabledByImage) as info:
        compute.create(_ctx(), make_flavor(cells.context), image_id,
                       name='vm', auto_disk_config=True)
    assert info.value.code == 400
    assert info.value.format_message() == (
        'Requested image %s has automatic disk resize disabled.' % image_id)
    assert compute.get_all(_ctx()) == []
    assert compute.compute_task_api.calls == []


def test_the_image_property_reaches_the_servers_system_metadata(compute,
                                                                cells):
    # What the resize check reads.
    (inst,), _ = compute.create(_ctx(), make_flavor(cells.context),
                                _image('disabled'), name='vm')
    assert inst.system_metadata[disk_config.SYSTEM_METADATA_KEY] == \
        'disabled'


@pytest.mark.parametrize('before,requested,stored', [
    (True, False, False),
    (False, True, True),
    # Without the field, the new image's default, as on create.
    (True, None, False),
])
def test_rebuild_stores_the_request_or_the_images_default(
        compute, server, before, requested, stored):  # noqa: F811
    inst = server(auto_disk_config=before)
    kwargs = {} if requested is None else {'auto_disk_config': requested}
    compute.rebuild(_ctx(), inst, _image(), 'pw', **kwargs)
    assert _stored(compute, inst) is stored


def test_rebuild_without_the_field_takes_the_new_images_default(
        compute, server):  # noqa: F811
    inst = server()
    compute.rebuild(_ctx(), inst, _image('true'), 'pw')
    assert _stored(compute, inst) is True


def test_rebuild_with_auto_refused_by_the_new_image(
        compute, server):  # noqa: F811
    inst = server()
    with pytest.raises(exception.AutoDiskConfigDisabledByImage):
        compute.rebuild(_ctx(), inst, _image('disabled'), 'pw',
                        auto_disk_config=True)
    fresh = compute.get(nova_context.get_admin_context(), inst.uuid)
    assert fresh.task_state is None and fresh.auto_disk_config is False
    assert compute.compute_rpcapi.calls == []


@pytest.fixture
def bigger(cells):
    return make_flavor(cells.context, name='m1.large', flavorid='3',
                       root_gb=40)


@pytest.mark.parametrize('before,requested,stored', [
    (False, True, True),
    (True, False, False),
    # Upstream: a resize without the field makes the server MANUAL.
    (True, None, False),
])
def test_resize_stores_the_request(
        compute, server, bigger, before, requested, stored):  # noqa: F811
    inst = server(auto_disk_config=before)
    compute.resize(_ctx(), inst, flavor_id=bigger.flavorid,
                   auto_disk_config=requested)
    assert _stored(compute, inst) is stored
    assert compute.compute_task_api.names() == ['migrate_server']


def test_cold_migration_makes_the_server_manual(
        compute, server):  # noqa: F811
    # As upstream, whose migrate is a resize without OS-DCF:diskConfig.
    inst = server(auto_disk_config=True)
    compute.migrate(nova_context.get_admin_context(), inst)
    assert _stored(compute, inst) is False


def test_resize_to_auto_refused_when_the_servers_image_disabled_it(
        compute, server, bigger):  # noqa: F811
    inst = server(system_metadata={
        disk_config.SYSTEM_METADATA_KEY: 'disabled'})
    with pytest.raises(exception.AutoDiskConfigDisabledByImage) as info:
        compute.resize(_ctx(), inst, flavor_id=bigger.flavorid,
                       auto_disk_config=True)
    assert inst.image_ref in info.value.format_message()
    fresh = compute.get(nova_context.get_admin_context(), inst.uuid)
    assert fresh.task_state is None
    assert compute.compute_task_api.calls == []
    # MANUAL is always allowed.
    compute.resize(_ctx(), inst, flavor_id=bigger.flavorid,
                   auto_disk_config=False)
    assert compute.compute_task_api.names() == ['migrate_server']


@pytest.mark.parametrize('value', [True, False])
def test_update_sets_it_whatever_the_image_says(
        compute, server, value):  # noqa: F811
    inst = server(auto_disk_config=not value,
                  system_metadata={
                      disk_config.SYSTEM_METADATA_KEY: 'disabled'})
    compute.update_instance(_ctx(), inst, {'auto_disk_config': value})
    assert _stored(compute, inst) is value
