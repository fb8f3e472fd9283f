"""OS-DCF:diskConfig: AUTO or MANUAL disk partitioning of a server.

A server keeps the choice as the boolean ``auto_disk_config`` (True for
AUTO). An image can have a say through its ``auto_disk_config``
property:

- a boolean-like value ("true", "1", "yes"...) is the default of a
  server created or rebuilt from the image without OS-DCF:diskConfig
  (anything else, or no property, defaults to MANUAL);
- "disabled" refuses AUTO (AutoDiskConfigDisabledByImage, 400) when the
  server is created or rebuilt from the image, and when the server is
  resized (the property is then read from the server's system metadata,
  where each image property is kept as ``image_<name>``).

Updating the server (PUT) sets the value without asking the image, as
upstream does.
"""

from oslo_utils import strutils

from nova import exception

IMAGE_PROPERTY = 'auto_disk_config'
SYSTEM_METADATA_KEY = 'image_' + IMAGE_PROPERTY


def _disabled(image_value):
    return image_value is not None and \
        str(image_value).strip().lower() == 'disabled'


def check(image_ref, image_value, auto_disk_config):
    """Refuse AUTO for an image whose property says "disabled"."""
    if auto_disk_config and _disabled(image_value):
        raise exception.AutoDiskConfigDisabledByImage(image=image_ref)


def for_image(image, auto_disk_config):
    """The auto_disk_config of a server created or rebuilt from ``image``
    (an image record, {} for none) given the request's
    ``auto_disk_config`` (None when the request said nothing)."""
    image_value = (image.get('properties') or {}).get(IMAGE_PROPERTY)
    check(image.get('id'), image_value, auto_disk_config)
    if auto_disk_config is None:
        return strutils.bool_from_string(image_value)
    return auto_disk_config


def check_for_instance(instance, auto_disk_config):
    """Refuse AUTO for a server whose image disabled it (resize)."""
    system_metadata = instance.system_metadata or {}
    check(instance.image_ref, system_metadata.get(SYSTEM_METADATA_KEY),
          auto_disk_config)
