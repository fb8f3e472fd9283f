from oslo_versionedobjects import fields

from nova.objects import base


@base.NovaObjectRegistry.register
class ImageMeta(base.NovaObject):
    """What the scheduler and the computes need to know of an image."""
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.UUIDField(nullable=True),
        'name': fields.StringField(nullable=True),
        'status': fields.StringField(nullable=True),
        'size': fields.IntegerField(nullable=True),
        'checksum': fields.StringField(nullable=True),
        'disk_format': fields.StringField(nullable=True),
        'container_format': fields.StringField(nullable=True),
        'min_ram': fields.IntegerField(default=0),
        'min_disk': fields.IntegerField(default=0),
        'properties': fields.DictOfNullableStringsField(default={}),
    }

    @classmethod
    def from_dict(cls, image):
        image = image or {}
        meta = cls()
        for key in ('id', 'name', 'status', 'size', 'checksum',
                    'disk_format', 'container_format'):
            if image.get(key) is not None:
                setattr(meta, key, image[key])
        meta.min_ram = int(image.get('min_ram') or 0)
        meta.min_disk = int(image.get('min_disk') or 0)
        meta.properties = {k: None if v is None else str(v)
                           for k, v in (image.get('properties') or {}).items()}
        return meta
