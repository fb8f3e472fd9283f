"""nova-scheduler: picks hosts for instances."""

from nova.cmd import common


def make_manager():
    from nova.scheduler import manager
    return manager.SchedulerManager()


def main(argv=None):
    common.main_for_remote_service('nova-scheduler', 'scheduler',
                                   make_manager, argv)
