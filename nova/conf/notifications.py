"""[notifications]: versioned notifications of the instance life cycle.

The transport and the driver of the notifier are oslo.messaging's own
options ([oslo_messaging_notifications] transport_url, driver, topics);
when no driver is set there, nova sends with ``messagingv2`` whenever
``notification_format`` asks for versioned notifications.
"""

from oslo_config import cfg

notifications_group = cfg.OptGroup(
    'notifications', title='Notification options',
    help='What nova announces on the message bus (instance.create.start, '
         'instance.power_off.end, ...) and in which format.')

notifications_opts = [
    cfg.StrOpt('notify_on_state_change',
               choices=[
                   (None, 'no instance.update notifications'),
                   ('vm_state', 'instance.update when the vm_state of an '
                    'instance changes'),
                   ('vm_and_task_state', 'instance.update when its '
                    'vm_state or its task_state changes'),
               ],
               help='Send instance.update notifications when an instance '
                    'changes state on a compute host.'),
    cfg.StrOpt('default_level',
               default='INFO',
               choices=('DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'),
               help='Priority of notifications that do not say theirs.'),
    cfg.StrOpt('notification_format',
               default='both',
               choices=[
                   ('both', 'versioned notifications, plus the legacy '
                    'unversioned ones where nova has them (it has none: '
                    'same as versioned)'),
                   ('versioned', 'only the versioned notifications'),
                   ('unversioned', 'only the legacy unversioned '
                    'notifications (none: nothing is sent)'),
               ],
               help='Format of the notifications nova sends. Setting '
                    '[oslo_messaging_notifications] driver = noop turns '
                    'every notification off.'),
    cfg.ListOpt('versioned_notifications_topics',
                default=['versioned_notifications'],
                help='Topics the versioned notifications are sent to; each '
                     'consumer can have a topic of its own.'),
    cfg.BoolOpt('bdms_in_notifications',
                default=False,
                help='Put the block device mappings of the instance in the '
                     'block_devices field of instance notifications.'),
]


def register_opts(conf):
    conf.register_group(notifications_group)
    conf.register_opts(notifications_opts, group=notifications_group)


def list_opts():
    return {notifications_group: notifications_opts}
