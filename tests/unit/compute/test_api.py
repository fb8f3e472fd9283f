"""nova.compute.api against real SQLite databases; only the casts that
leave the process (to the conductor and the compute hosts) are recorded
instead of sent."""

import uuid

import pytest

from nova.compute import api as compute_api
from nova import context as nova_context
from nova import exception
from nova.image import api as image_api
from nova import objects
from nova import quota
from nova import rpc
from tests.unit.conftest import make_flavor


class RecordingTaskAPI:
    def __init__(self):
        self.builds = []

    def schedule_and_build_instances(self, context, build_requests,
                                     request_specs, **kwargs):
        self.builds.append((build_requests, request_specs))
        self.build_kwargs = kwargs


class RecordingComputeAPI:
    def __init__(self):
        self.terminated = []

    def terminate_instance(self, context, instance):
        self.terminated.append(instance.uuid)


@pytest.fixture
def api(cells, tmp_path, conf):
    conf.config(local_dir=str(tmp_path / 'images'), group='image')
    compute_api._CELLS._cells = None
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    the_api = compute_api.API()
    the_api.compute_task_api = RecordingTaskAPI()
    the_api.compute_rpcapi = RecordingComputeAPI()
    yield the_api
    rpc.cleanup()


def _ctx(project, user='u1'):
    return nova_context.RequestContext(user_id=user, project_id=project,
                                       roles=['member', 'reader'])


def _image(ctx):
    return image_api.API().create(
        ctx, {'name': 'img', 'disk_format': 'raw',
              'container_format': 'bare', 'visibility': 'public'},
        data=b'x' * 1024)['id']


def test_boot_request_is_recorded_and_handed_to_the_conductor(api, cells):
    ctx = _ctx('p1')
    flavor = make_flavor(cells.context)
    instances, reservation = api.create(ctx, flavor, _image(ctx), name='web',
                                        min_count=3, max_count=3)
    assert [i.display_name for i in instances] == ['web-1', 'web-2',
                                                   'web-3']
    (build_requests, specs), = api.compute_task_api.builds
    assert len(build_requests) == 3 and len(specs) == 3
    listed = api.get_all(ctx)
    assert sorted(i.uuid for i in listed) == sorted(i.uuid
                                                    for i in instances)
    assert all(i.reservation_id == reservation for i in listed)


def test_other_projects_servers_are_invisible(api, cells):
    owner, stranger = _ctx('p1'), _ctx('p2', user='u2')
    flavor = make_flavor(cells.context)
    (server,), _ = api.create(owner, flavor, _image(owner), name='mine')
    assert api.get_all(stranger) == []
    with pytest.raises(exception.InstanceNotFound):
        api.get(stranger, server.uuid)
    # Even a filter naming the owner's project shows nothing.
    assert api.get_all(stranger, {'project_id': 'p1'}) == []


def test_deleting_a_server_not_yet_scheduled_removes_it(api, cells):
    ctx = _ctx('p1')
    (server,), _ = api.create(ctx, make_flavor(cells.context), _image(ctx),
                              name='short-lived')
    api.delete(ctx, api.get(ctx, server.uuid))
    assert api.get_all(ctx) == []
    with pytest.raises(exception.BuildRequestNotFound):
        objects.BuildRequest.get_by_instance_uuid(ctx, server.uuid)
    assert api.compute_rpcapi.terminated == []


def test_unknown_availability_zone_is_refused(api, cells):
    ctx = _ctx('p1')
    with pytest.raises(exception.InvalidInput) as info:
        api.create(ctx, make_flavor(cells.context), _image(ctx), name='x',
                   availability_zone='mars')
    assert 'availability zone' in info.value.format_message()
    assert api.compute_task_api.builds == []


def test_image_larger_than_flavor_disk_is_refused(api, cells):
    ctx = _ctx('p1')
    image_id = image_api.API().create(
        ctx, {'name': 'big', 'disk_format': 'raw', 'container_format':
              'bare', 'visibility': 'public', 'min_disk': 50},
        data=b'x')['id']
    with pytest.raises(exception.FlavorDiskTooSmall):
        api.create(ctx, make_flavor(cells.context, root_gb=20), image_id,
                   name='x')
    assert api.get_all(ctx) == []


def test_flavor_filter_narrows_servers_in_cells_and_being_built(api, cells):
    ctx = _ctx('p1')
    image = _image(ctx)
    small = make_flavor(cells.context)
    large = make_flavor(cells.context, name='m1.large', flavorid='3',
                        memory_mb=4096, root_gb=40)
    (building_small,), _ = api.create(ctx, small, image, name='b-small')
    (building_large,), _ = api.create(ctx, large, image, name='b-large')
    in_cell = {}
    for flavor in (small, large):
        instance = objects.Instance(
            cells.context, uuid=str(uuid.uuid4()), project_id='p1',
            user_id='u1', display_name='c-' + flavor.name,
            vm_state='active', instance_type_id=flavor.id, flavor=flavor)
        instance.create()
        objects.InstanceMapping(
            cells.context, instance_uuid=instance.uuid, project_id='p1',
            user_id='u1', cell_mapping=cells.cell1).create()
        in_cell[flavor.flavorid] = instance.uuid

    listed = api.get_all(ctx, {'instance_type_id': small.id})
    assert sorted(i.uuid for i in listed) == sorted(
        [building_small.uuid, in_cell[small.flavorid]])
    listed = api.get_all(ctx, {'instance_type_id': large.id})
    assert sorted(i.uuid for i in listed) == sorted(
        [building_large.uuid, in_cell[large.flavorid]])
    assert len(api.get_all(ctx)) == 4


def test_personality_goes_to_the_conductor_as_sent(api, cells):
    ctx = _ctx('p1')
    api.create(ctx, make_flavor(cells.context), _image(ctx), name='p',
               files_to_inject=[('/etc/motd', 'aGk=')])
    assert api.compute_task_api.build_kwargs['injected_files'] == [
        ['/etc/motd', 'aGk=']]


@pytest.mark.parametrize('files,error,message', [
    ([('/f%d' % i, 'aGk=') for i in range(6)],
     exception.OnsetFileLimitExceeded, 'Personality file limit exceeded'),
    ([('/' + 'p' * 255, 'aGk=')], exception.OnsetFilePathLimitExceeded,
     'Personality file path exceeds maximum 255'),
    ([('/f', 'QUJD' * 2561)], exception.OnsetFileContentLimitExceeded,
     'Personality file content exceeds maximum 10240'),
    # The path is reported before the contents when both are too long.
    ([('/' + 'p' * 255, 'QUJD' * 2561)],
     exception.OnsetFilePathLimitExceeded,
     'Personality file path exceeds maximum 255'),
    ([('/ok', 'aGk='), ('/etc/bad', 'not base64!')],
     exception.Base64Exception,
     'Personality content for /etc/bad cannot be decoded'),
])
def test_personality_beyond_quota_or_not_base64_is_refused(
        api, cells, files, error, message):
    ctx = _ctx('p1')
    with pytest.raises(error) as info:
        api.create(ctx, make_flavor(cells.context), _image(ctx), name='p',
                   files_to_inject=files)
    assert info.value.format_message() == message
    assert info.value.code == (400 if error is exception.Base64Exception
                               else 403)
    assert api.compute_task_api.builds == []
    assert api.get_all(ctx) == []


def test_personality_at_the_limits_is_accepted(api, cells):
    ctx = _ctx('p1')
    files = [('/' + 'p' * 254, 'QUJD' * 2560)] + \
        [('/f%d' % i, 'aGk=\n') for i in range(4)]
    api.create(ctx, make_flavor(cells.context), _image(ctx), name='p',
               files_to_inject=files)
    assert len(api.compute_task_api.builds) == 1


def test_personality_limits_are_the_projects(api, cells):
    ctx = _ctx('p1')
    flavor, image = make_flavor(cells.context), _image(ctx)
    quota.set_project_quotas(cells.context, 'p1', {'injected_files': 1})
    with pytest.raises(exception.OnsetFileLimitExceeded):
        api.create(ctx, flavor, image, name='p',
                   files_to_inject=[('/a', ''), ('/b', '')])
    quota.set_project_quotas(cells.context, 'p1', {'injected_files': -1})
    api.create(ctx, flavor, image, name='p',
               files_to_inject=[('/f%d' % i, '') for i in range(20)])
