"""Live migration of libvirt guests (placeholder)."""


class LiveMigrationSteps(object):
    """Mixin of LibvirtDriver: the live migration steps."""
