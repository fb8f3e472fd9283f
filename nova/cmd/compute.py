"""nova-compute: runs the guests of one hypervisor host."""

from nova.cmd import common


def make_manager():
    from nova.compute import manager
    return manager.ComputeManager()


def main(argv=None):
    common.main_for_remote_service('nova-compute', 'compute',
                                   make_manager, argv)
