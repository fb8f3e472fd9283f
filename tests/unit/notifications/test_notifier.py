"""Sending: notify_action over the in-process transport to a real
notification listener; options that turn notifications off; errors never
reach the caller."""

from nova.notifications import instance as notify
from nova.notifications import notifier


def test_notify_action_reaches_a_listener(listener, ctx, instance):
    sent = notify.notify_action(ctx, instance, 'compute', 'reboot', 'start')
    assert sent is not None
    priority, publisher, event_type, payload, context = listener.wait(1)[0]
    assert priority == 'INFO'
    assert event_type == 'instance.reboot.start'
    assert publisher.endswith(':compute')
    assert payload['nova_object.name'] == 'InstanceActionPayload'
    assert payload['nova_object.data']['uuid'] == instance.uuid
    assert context['request_id'] == ctx.request_id


def test_error_phase_is_sent_as_error(listener, ctx, instance):
    notify.notify_action(ctx, instance, 'compute', 'reboot', 'error',
                         exception=RuntimeError('no guest'))
    priority, _pub, event_type, payload, _c = listener.wait(1)[0]
    assert (priority, event_type) == ('ERROR', 'instance.reboot.error')
    fault = payload['nova_object.data']['fault']['nova_object.data']
    assert fault['exception'] == 'RuntimeError'


def test_other_topics_are_configurable(conf, ctx, instance):
    from nova import rpc
    from tests.unit.notifications.conftest import Listener
    conf.config(versioned_notifications_topics=['mine'],
                group='notifications')
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    notifier.reset()
    listener = Listener(notifier.transport(), topic='mine')
    try:
        notify.notify_action(ctx, instance, 'compute', 'pause', 'end')
        assert listener.wait(1)[0][2] == 'instance.pause.end'
    finally:
        listener.stop()
        notifier.reset()
        rpc.cleanup()


def test_noop_driver_and_unversioned_format_send_nothing(conf, ctx,
                                                         instance):
    conf.config(driver=['noop'], group='oslo_messaging_notifications')
    assert not notifier.enabled()
    assert notify.notify_action(ctx, instance, 'c', 'pause', 'end') is None
    conf.config(driver=[], group='oslo_messaging_notifications')
    conf.config(notification_format='unversioned', group='notifications')
    assert not notifier.enabled()
    conf.config(notification_format='versioned', group='notifications')
    assert notifier.enabled()


def test_a_broken_payload_is_logged_not_raised(listener, ctx, caplog):
    # No uuid: the payload cannot be built.
    assert notify.notify_action(ctx, object(), 'compute', 'pause',
                                'start') is None
    assert 'Could not send the instance.pause.start' in caplog.text


def test_instance_update_follows_notify_on_state_change(listener, conf, ctx,
                                                        instance):
    assert notify.notify_update(ctx, instance, 'compute', 'building',
                                'spawning') is None
    conf.config(notify_on_state_change='vm_state', group='notifications')
    assert notify.notify_update(ctx, instance, 'compute', 'active',
                                'spawning') is None
    assert notify.notify_update(ctx, instance, 'compute', 'building',
                                'spawning') is not None
    conf.config(notify_on_state_change='vm_and_task_state',
                group='notifications')
    assert notify.notify_update(ctx, instance, 'compute', 'active',
                                'powering-off') is not None
    received = listener.wait(2)
    assert [r[2] for r in received] == ['instance.update'] * 2
    first = received[0][3]['nova_object.data']['state_update'][
        'nova_object.data']
    # vm_state mode reports the vm_state change only.
    assert first == {'old_state': 'building', 'state': 'active',
                     'old_task_state': None, 'new_task_state': None}
    second = received[1][3]['nova_object.data']['state_update'][
        'nova_object.data']
    assert second['old_task_state'] == 'powering-off'


def test_source_names_the_binary():
    notifier.set_source('nova-api')
    try:
        assert notifier.source() == 'nova-api'
    finally:
        notifier.set_source(None)
