"""Payload shapes: the field sets of upstream's notification samples
(doc/notification_samples/common_payloads), names, versions and values."""

import pytest

from nova.notifications import instance as notify
from nova.notifications.objects import exception as notif_exception
from nova.notifications.objects import instance as notif_instance
from tests.unit.notifications import conftest as fx

# The keys of upstream's sample payloads.
INSTANCE_KEYS = {
    'architecture', 'availability_zone', 'block_devices', 'created_at',
    'deleted_at', 'display_name', 'display_description', 'host',
    'host_name', 'ip_addresses', 'kernel_id', 'key_name', 'launched_at',
    'image_uuid', 'metadata', 'locked', 'node', 'os_type', 'progress',
    'ramdisk_id', 'reservation_id', 'state', 'task_state', 'power_state',
    'tenant_id', 'terminated_at', 'auto_disk_config', 'flavor',
    'updated_at', 'user_id', 'uuid', 'request_id', 'action_initiator_user',
    'action_initiator_project'}
ACTION_KEYS = INSTANCE_KEYS | {'fault'}
CREATE_KEYS = ACTION_KEYS | {'keypairs', 'tags',
                             'trusted_image_certificates', 'instance_name'}
UPDATE_KEYS = INSTANCE_KEYS | {'audit_period', 'bandwidth',
                               'old_display_name', 'state_update', 'tags'}
FLAVOR_KEYS = {'flavorid', 'name', 'root_gb', 'vcpus', 'ephemeral_gb',
               'memory_mb', 'disabled', 'rxtx_factor', 'extra_specs',
               'projects', 'swap', 'is_public', 'vcpu_weight',
               'description'}
EXCEPTION_KEYS = {'exception', 'exception_message', 'function_name',
                  'module_name', 'traceback'}
KEYPAIR_KEYS = {'user_id', 'name', 'fingerprint', 'public_key', 'type'}


def _message(ctx, instance, action, phase, **kwargs):
    publisher, event_type, priority, payload = notify.build(
        ctx, instance, 'compute', action, phase, **kwargs).message()
    return publisher, event_type, priority, payload


def _check_envelope(payload, name, version):
    assert set(payload) == {'nova_object.name', 'nova_object.namespace',
                            'nova_object.version', 'nova_object.data'}
    assert payload['nova_object.name'] == name
    assert payload['nova_object.namespace'] == 'nova'
    assert payload['nova_object.version'] == version
    return payload['nova_object.data']


def test_action_payload_has_upstream_fields_and_values(ctx, instance):
    publisher, event_type, priority, payload = _message(
        ctx, instance, 'power_off', 'start')
    assert publisher == 'nova-compute:compute'
    assert event_type == 'instance.power_off.start'
    assert priority == 'INFO'
    data = _check_envelope(payload, 'InstanceActionPayload', '1.7')
    assert set(data) == ACTION_KEYS
    assert data['uuid'] == instance.uuid
    assert data['state'] == 'active'
    assert data['power_state'] == 'running'
    assert data['task_state'] is None
    assert data['tenant_id'] == 'fake-project'
    assert data['host_name'] == 'some-server'
    assert data['image_uuid'] == '155d900f'
    assert data['launched_at'] == '2024-05-06T07:08:09Z'
    assert data['metadata'] == {'a': 'b'}
    assert data['locked'] is False
    assert data['auto_disk_config'] == 'MANUAL'
    assert data['ip_addresses'] == []
    assert data['block_devices'] is None
    assert data['fault'] is None
    assert data['action_initiator_user'] == 'fake-user'
    assert data['action_initiator_project'] == 'fake-project'
    assert data['request_id'] == ctx.request_id
    flavor = _check_envelope(data['flavor'], 'FlavorPayload', '1.4')
    assert set(flavor) == FLAVOR_KEYS
    assert flavor['flavorid'] == 'a22d5517'
    assert flavor['memory_mb'] == 512
    assert flavor['extra_specs'] == {'hw:watchdog_action': 'disabled'}
    assert flavor['projects'] is None
    assert flavor['vcpu_weight'] == 0


def test_no_changes_list_anywhere_in_the_payload(ctx, instance):
    payload = _message(ctx, instance, 'create', 'end')[3]
    assert 'nova_object.changes' not in repr(payload)


def test_create_payload_carries_keypairs_tags_and_name(ctx, instance):
    _p, event_type, _pr, payload = _message(ctx, instance, 'create',
                                            'start')
    assert event_type == 'instance.create.start'
    data = _check_envelope(payload, 'InstanceCreatePayload', '1.11')
    assert set(data) == CREATE_KEYS
    assert data['block_devices'] == []
    assert data['tags'] == []
    assert data['instance_name'] == 'instance-00000001'
    keypair = _check_envelope(data['keypairs'][0], 'KeypairPayload', '1.0')
    assert set(keypair) == KEYPAIR_KEYS
    assert keypair['name'] == 'my-key'
    assert keypair['fingerprint'] == fx.KEY_FINGERPRINT
    assert keypair['type'] == 'ssh'


def test_error_phase_is_error_priority_with_the_fault(ctx, instance):
    try:
        raise ValueError('spawn went wrong')
    except ValueError as exc:
        error = exc
    _p, event_type, priority, payload = _message(
        ctx, instance, 'create', 'error', exception=error)
    assert event_type == 'instance.create.error'
    assert priority == 'ERROR'
    fault = _check_envelope(payload['nova_object.data']['fault'],
                            'ExceptionPayload', '1.1')
    assert set(fault) == EXCEPTION_KEYS
    assert fault['exception'] == 'ValueError'
    assert fault['exception_message'] == 'spawn went wrong'
    assert fault['function_name'] == \
        'test_error_phase_is_error_priority_with_the_fault'
    assert fault['module_name'] == __name__
    assert 'spawn went wrong' in fault['traceback']


def test_exception_payload_uses_the_formatted_message():
    from nova import exception
    try:
        raise exception.InstanceNotFound(instance_id='abc')
    except exception.NovaException as exc:
        payload = notif_exception.ExceptionPayload.from_exception(exc)
    assert payload.exception == 'InstanceNotFound'
    assert 'abc' in payload.exception_message


@pytest.mark.parametrize('action,extra,name,version,field,value', [
    ('resize_prep', 'new_flavor', 'InstanceActionResizePrepPayload', '1.2',
     'new_flavor', None),
    ('rescue', {'rescue_image_ref': 'img-1'}, 'InstanceActionRescuePayload',
     '1.2', 'rescue_image_ref', 'img-1'),
    ('snapshot', {'snapshot_image_id': 'snap-1'},
     'InstanceActionSnapshotPayload', '1.8', 'snapshot_image_id', 'snap-1'),
    ('rebuild', {}, 'InstanceActionRebuildPayload', '1.8',
     'trusted_image_certificates', None),
    ('rebuild_scheduled', {}, 'InstanceActionRebuildPayload', '1.8',
     'trusted_image_certificates', None),
    ('volume_attach', {'volume_id': 'vol-1'}, 'InstanceActionVolumePayload',
     '1.5', 'volume_id', 'vol-1'),
    ('shelve', {}, 'InstanceActionPayload', '1.7', 'fault', None),
    ('live_migration_pre', {}, 'InstanceActionPayload', '1.7', 'fault',
     None),
])
def test_each_action_gets_its_payload_class(ctx, instance, flavor, action,
                                            extra, name, version, field,
                                            value):
    if extra == 'new_flavor':
        extra = {'new_flavor': flavor}
    _p, event_type, _pr, payload = _message(ctx, instance, action, 'end',
                                            extra=extra)
    assert event_type == 'instance.%s.end' % action
    data = _check_envelope(payload, name, version)
    assert ACTION_KEYS <= set(data)
    assert set(data) - ACTION_KEYS == {field} - {'fault'}
    if action == 'resize_prep':
        new = _check_envelope(data['new_flavor'], 'FlavorPayload', '1.4')
        assert new['flavorid'] == 'a22d5517'
    else:
        assert data[field] == value


def test_one_shot_events_have_no_phase(ctx, instance):
    _p, event_type, priority, _payload = _message(ctx, instance, 'lock',
                                                  None)
    assert event_type == 'instance.lock'
    assert priority == 'INFO'


def test_aliases_map_to_upstream_event_names(ctx, instance):
    assert _message(ctx, instance, 'stop', 'start')[1] == \
        'instance.power_off.start'


def test_periodic_context_has_no_request_id(instance):
    from nova import context as nova_context
    data = _message(nova_context.get_admin_context(), instance, 'shutdown',
                    'start')[3]['nova_object.data']
    assert data['request_id'] is None
    assert data['action_initiator_user'] is None


def test_unset_instance_fields_become_none(ctx, flavor):
    from nova import objects
    bare = objects.Instance(uuid=fx.uuid.uuid4().hex[:8] + '-0000-0000-'
                            '0000-000000000000', flavor=flavor)
    data = _message(ctx, bare, 'create', 'start')[3]['nova_object.data']
    assert data['state'] is None and data['host'] is None
    assert data['keypairs'] == [] and data['metadata'] == {}
    assert data['instance_name'] is None


def test_ip_addresses_from_network_info(ctx, instance):
    nw_info = [{'id': 'port-1', 'address': 'fa:16:3e:00:00:01',
                'devname': 'tap1', 'meta': {'mtu': 1500},
                'network': {'label': 'private', 'subnets': [
                    {'ips': [{'address': '10.0.0.5', 'version': 4}]}]}}]
    data = _message(ctx, instance, 'create', 'end',
                    extra={'network_info': nw_info})[3]['nova_object.data']
    ip = data['ip_addresses'][0]
    assert ip['nova_object.name'] == 'IpPayload'
    assert ip['nova_object.data'] == {
        'label': 'private', 'mac': 'fa:16:3e:00:00:01',
        'meta': {'mtu': '1500'}, 'port_uuid': 'port-1', 'version': 4,
        'address': '10.0.0.5', 'device_name': 'tap1'}


def test_update_payload_fields(ctx, instance):
    payload = notif_instance.InstanceUpdatePayload(
        ctx, instance,
        state_update=notif_instance.InstanceStateUpdatePayload(
            old_state='building', state='active', old_task_state='spawning',
            new_task_state=None),
        audit_period=notif_instance.AuditPeriodPayload(
            audit_period_beginning=fx.NOW, audit_period_ending=fx.NOW))
    data = _check_envelope(payload.to_primitive(), 'InstanceUpdatePayload',
                           '1.8')
    assert set(data) == UPDATE_KEYS
    state = _check_envelope(data['state_update'],
                            'InstanceStateUpdatePayload', '1.0')
    assert state == {'old_state': 'building', 'state': 'active',
                     'old_task_state': 'spawning', 'new_task_state': None}


def test_notification_classes_stay_out_of_nova_objects():
    from nova import objects
    from nova.notifications import objects as notif_objects
    notif_objects.register_all()
    objects.register_all()
    assert notif_objects.InstanceActionPayload is \
        notif_instance.InstanceActionPayload
    assert not hasattr(objects, 'InstanceActionPayload')
    assert not hasattr(objects, 'EventType')


def test_backup_is_sent_as_snapshot(ctx, instance):
    _p, event_type, _pr, payload = _message(
        ctx, instance, 'backup', 'start',
        extra={'snapshot_image_id': 'img-2'})
    assert event_type == 'instance.snapshot.start'
    assert payload['nova_object.name'] == 'InstanceActionSnapshotPayload'
    assert payload['nova_object.data']['snapshot_image_id'] == 'img-2'


def test_resize_prep_defaults_to_the_instance_new_flavor(ctx, instance,
                                                         flavor):
    if 'new_flavor' not in instance.fields:
        pytest.skip('Instance has no new_flavor field yet')
    instance.new_flavor = flavor
    data = _message(ctx, instance, 'resize_prep', 'start')[3][
        'nova_object.data']
    assert data['new_flavor']['nova_object.data']['flavorid'] == 'a22d5517'


def test_unknown_binaries_publish_as_the_default():
    from nova.notifications import notifier
    notifier.set_source('nova-local')
    try:
        assert notifier.source() == 'nova-compute'
        assert notifier.source('nova-conductor') == 'nova-conductor'
    finally:
        notifier.set_source(None)
