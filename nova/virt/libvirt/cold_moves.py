"""Snapshot, resize and cold migration of libvirt guests (placeholder; the
steps land with the image backend)."""


class ColdMoveSteps(object):
    """Mixin of LibvirtDriver: snapshot and the cold move steps."""
