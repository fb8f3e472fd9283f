"""nova-manage image: manage the images of the local image source."""

import os

from nova.cmd.manage.common import action
from nova.cmd.manage import common as manage_common
from nova import context as nova_context
from nova import exception
from nova.image import api as image_api
from nova.image import local

QCOW2_MAGIC = b'QFI\xfb'


def _guess_disk_format(path):
    with open(path, 'rb') as f:
        head = f.read(4)
    return 'qcow2' if head == QCOW2_MAGIC else 'raw'


def _parse_properties(pairs):
    properties = {}
    for pair in pairs or []:
        key, sep, value = pair.partition('=')
        if not sep or not key:
            raise exception.InvalidInput(
                reason='property %r is not of the form key=value' % pair)
        properties[key] = value
    return properties


class ImageCommands:
    """Images of the local image source ([image]/local_dir)."""

    @action('path', metavar='PATH', help='The image file to import.')
    @action('--name', required=True, help='Name of the image.')
    @action('--disk-format', dest='disk_format',
            choices=local.DISK_FORMATS,
            help='Disk format. Default: qcow2 if the file is a qcow2 '
                 'image, raw otherwise.')
    @action('--container-format', dest='container_format', default='bare',
            choices=local.CONTAINER_FORMATS,
            help='Container format (default: bare).')
    @action('--min-ram', dest='min_ram', type=int, default=0,
            help='Minimum RAM in MB a flavor needs to boot the image.')
    @action('--min-disk', dest='min_disk', type=int, default=0,
            help='Minimum root disk in GB a flavor needs to boot the image.')
    @action('--property', dest='properties', action='append',
            metavar='KEY=VALUE',
            help='A custom property; may be repeated.')
    @action('--id', dest='image_id', metavar='UUID',
            help='The image id. Default: a new UUID.')
    @action('--public', dest='visibility', action='store_const',
            const='public', help='Any project may use the image (default).')
    @action('--private', dest='visibility', action='store_const',
            const='private', help='Only the owner project may use it.')
    @action('--owner', metavar='PROJECT_ID',
            help='Project that owns the image.')
    def import_(self, path, name, disk_format=None, container_format='bare',
                min_ram=0, min_disk=0, properties=None, image_id=None,
                visibility=None, owner=None):
        """Import a file as an image and print the image id."""
        if not os.path.isfile(path):
            print('ERROR: %s is not a file.' % path)
            return 1
        try:
            meta = {
                'name': name,
                'disk_format': disk_format or _guess_disk_format(path),
                'container_format': container_format,
                'min_ram': min_ram,
                'min_disk': min_disk,
                'visibility': visibility or 'public',
                'owner': owner,
                'properties': _parse_properties(properties),
            }
            if image_id:
                meta['id'] = image_id
            with open(path, 'rb') as data:
                image = image_api.API().create(
                    nova_context.get_admin_context(), meta, data=data)
        except (exception.Invalid, exception.Conflict) as exc:
            print('ERROR: %s' % exc.format_message())
            return 1
        print(image['id'])
        return 0

    def list(self):
        """List the images."""
        images = image_api.API().get_all(nova_context.get_admin_context(),
                                         sort_key='name', sort_dir='asc')
        manage_common.print_table(
            ['ID', 'Name', 'Status', 'Disk Format', 'Container Format',
             'Size', 'Visibility'],
            [[i['id'], i['name'], i['status'], i['disk_format'],
              i['container_format'], i['size'], i['visibility']]
             for i in images])
        return 0

    @action('image_id', metavar='ID', help='The image to show.')
    def show(self, image_id):
        """Show the metadata of an image."""
        try:
            image = image_api.API().get(nova_context.get_admin_context(),
                                        image_id)
        except exception.ImageNotFound as exc:
            print(exc.format_message())
            return 1
        rows = [[key, image[key]] for key in sorted(image)
                if key != 'properties']
        rows += [['properties.%s' % key, value]
                 for key, value in sorted(image['properties'].items())]
        manage_common.print_table(['Field', 'Value'], rows)
        return 0

    @action('image_id', metavar='ID', help='The image to delete.')
    def delete(self, image_id):
        """Delete an image and its data."""
        try:
            image_api.API().delete(nova_context.get_admin_context(),
                                   image_id)
        except (exception.ImageNotFound, exception.Forbidden) as exc:
            print(exc.format_message())
            return 1
        return 0
