"""An image source that is a plain directory on the local file system.

Each image is two files in the directory: ``<id>`` holds the bytes and
``<id>.json`` the metadata, shaped like a Glance v2 image record so that
callers never need to know which source they talk to. Every write goes to
a temporary file first and is moved into place with os.replace(), so a
reader in another process (nova-api, a compute) sees either the old or the
new file, never a half-written one.

Access rules follow Glance: an admin context sees every image, any other
context sees public and community images plus the private and shared ones
its project owns.
"""

import datetime
import hashlib
import json
import os
import tempfile

from oslo_log import log as logging
from oslo_utils import uuidutils

import nova.conf
from nova import exception

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

DISK_FORMATS = ('ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2',
                'vdi', 'iso', 'ploop')
CONTAINER_FORMATS = ('ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker',
                     'compressed')
VISIBILITIES = ('public', 'private', 'shared', 'community')
# Keys of the record itself; anything else given at create time is a
# custom property, as in Glance.
BASE_KEYS = ('id', 'name', 'status', 'visibility', 'owner', 'size',
             'checksum', 'os_hash_algo', 'os_hash_value', 'disk_format',
             'container_format', 'min_ram', 'min_disk', 'protected',
             'created_at', 'updated_at')
SORT_KEYS = ('created_at', 'updated_at', 'name', 'id', 'size', 'status',
             'disk_format', 'container_format', 'min_ram', 'min_disk',
             'owner', 'visibility')
HASH_ALGO = 'sha512'
CHUNK_SIZE = 1024 * 1024
TIME_FORMAT = '%Y-%m-%dT%H:%M:%SZ'


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime(TIME_FORMAT)


def _is_admin(context):
    return context is None or bool(getattr(context, 'is_admin', False))


def _visible(context, image):
    if _is_admin(context):
        return True
    if image.get('visibility') in ('public', 'community'):
        return True
    owner = image.get('owner')
    return owner is not None and owner == getattr(context, 'project_id',
                                                  None)


def _chunks(data):
    """Iterate over ``data``: bytes, a file object or an iterable of bytes."""
    if data is None:
        return
    if isinstance(data, (bytes, bytearray, memoryview)):
        view = memoryview(data)
        for start in range(0, len(view), CHUNK_SIZE):
            yield bytes(view[start:start + CHUNK_SIZE])
        return
    if hasattr(data, 'read'):
        while True:
            chunk = data.read(CHUNK_SIZE)
            if not chunk:
                return
            yield chunk
        return
    for chunk in data:
        yield chunk


class LocalImageSource:
    """Images kept as files in ``directory`` (default: [image]/local_dir,
    falling back to $state_path/images)."""

    def __init__(self, directory=None):
        self._directory = directory

    @property
    def directory(self):
        if self._directory:
            return self._directory
        return (CONF.image.local_dir or
                os.path.join(CONF.state_path, 'images'))

    # Paths and raw file access.

    def _data_path(self, image_id):
        return os.path.join(self.directory, image_id)

    def _meta_path(self, image_id):
        return os.path.join(self.directory, image_id + '.json')

    def _ensure_directory(self):
        os.makedirs(self.directory, exist_ok=True)

    def _tempfile(self):
        # Dot-prefixed so that listings never take it for an image.
        return tempfile.mkstemp(dir=self.directory, prefix='.tmp-')

    def _write_meta(self, image):
        fd, tmp = self._tempfile()
        try:
            with os.fdopen(fd, 'w') as f:
                json.dump(image, f, indent=2, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self._meta_path(image['id']))
        except BaseException:
            _remove_quietly(tmp)
            raise

    def _read_meta(self, image_id):
        if not uuidutils.is_uuid_like(image_id):
            return None
        try:
            with open(self._meta_path(image_id)) as f:
                return _complete(json.load(f))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            LOG.warning('Skipping unreadable metadata of image %s: %s',
                        image_id, exc)
            return None

    def _all_images(self):
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return []
        images = []
        for name in names:
            if not name.endswith('.json') or name.startswith('.'):
                continue
            image = self._read_meta(name[:-len('.json')])
            if image is not None:
                images.append(image)
        return images

    def _get_visible(self, context, image_id):
        image = self._read_meta(str(image_id)) if image_id else None
        if image is None or not _visible(context, image):
            raise exception.ImageNotFound(image_id=image_id)
        return image

    # The image source interface (see nova.image.api.API).

    def get(self, context, image_id):
        return self._get_visible(context, image_id)

    def get_all(self, context, filters=None, limit=None, marker=None,
                sort_key='created_at', sort_dir='desc'):
        if sort_key not in SORT_KEYS:
            raise exception.InvalidSortKey()
        if sort_dir not in ('asc', 'desc'):
            raise exception.InvalidInput(
                reason='sort_dir must be "asc" or "desc"')
        images = [i for i in self._all_images() if _visible(context, i)]
        images = [i for i in images if _matches(i, filters or {})]
        # Ties on the sort key are broken by id, so paging is stable.
        images.sort(key=lambda i: (_sort_value(i.get(sort_key)), i['id']),
                    reverse=(sort_dir == 'desc'))
        if marker is not None:
            ids = [i['id'] for i in images]
            if marker not in ids:
                raise exception.MarkerNotFound(marker=marker)
            images = images[ids.index(marker) + 1:]
        if limit is not None:
            images = images[:max(int(limit), 0)]
        return images

    def create(self, context, image_meta, data=None):
        image = self._new_record(context, dict(image_meta or {}))
        self._ensure_directory()
        if self._read_meta(image['id']) is not None:
            raise exception.ImageExists(image_id=image['id'])
        if data is None:
            self._write_meta(image)
            LOG.info('Created image %s (%s) without data',
                     image['id'], image['name'])
            return image
        # The record appears only once the data is in place.
        return self._store_data(image, data)

    def upload(self, context, image_id, data):
        """Give a queued image its data (Glance's separate upload step)."""
        image = self._get_visible(context, image_id)
        self._check_owner(context, image)
        if image['status'] != 'queued':
            raise exception.Conflict(
                reason='image %s already has data' % image_id)
        return self._store_data(image, data)

    def download(self, context, image_id, dst_path=None):
        image = self._get_visible(context, image_id)
        if image.get('status') != 'active':
            raise exception.ImageNotActive(image_id=image_id)
        src = self._data_path(image['id'])
        try:
            if dst_path is None:
                with open(src, 'rb') as f:
                    return f.read()
            with open(src, 'rb') as f, open(dst_path, 'wb') as out:
                for chunk in _chunks(f):
                    out.write(chunk)
        except FileNotFoundError:
            raise exception.ImageNotFound(image_id=image_id)
        return None

    def delete(self, context, image_id):
        image = self._get_visible(context, image_id)
        self._check_owner(context, image)
        if image.get('protected'):
            raise exception.Forbidden(
                message='Image %s is protected and cannot be deleted.'
                        % image_id)
        # Metadata first: once it is gone the image no longer exists for
        # readers, even if removing the data fails half-way.
        _remove_quietly(self._meta_path(image['id']))
        _remove_quietly(self._data_path(image['id']))
        LOG.info('Deleted image %s', image['id'])

    def update_properties(self, context, image_id, properties, purge=False):
        image = self._get_visible(context, image_id)
        self._check_owner(context, image)
        props = {} if purge else dict(image.get('properties') or {})
        for key, value in properties.items():
            if value is None:
                props.pop(str(key), None)
            else:
                props[str(key)] = str(value)
        image = dict(image, properties=props, updated_at=_now())
        self._write_meta(image)
        return image

    # Helpers.

    @staticmethod
    def _check_owner(context, image):
        if _is_admin(context):
            return
        if image.get('owner') != getattr(context, 'project_id', None):
            raise exception.Forbidden(
                message='Image %s belongs to another project.' % image['id'])

    def _new_record(self, context, meta):
        image_id = meta.pop('id', None) or uuidutils.generate_uuid()
        if not uuidutils.is_uuid_like(image_id):
            raise exception.InvalidInput(
                reason='image id %s is not a UUID' % image_id)
        disk_format = meta.pop('disk_format', None) or 'raw'
        if disk_format not in DISK_FORMATS:
            raise exception.InvalidInput(
                reason='disk_format must be one of %s'
                       % ', '.join(DISK_FORMATS))
        container_format = meta.pop('container_format', None) or 'bare'
        if container_format not in CONTAINER_FORMATS:
            raise exception.InvalidInput(
                reason='container_format must be one of %s'
                       % ', '.join(CONTAINER_FORMATS))
        visibility = meta.pop('visibility', None)
        if visibility is None:
            is_public = meta.pop('is_public', None)
            visibility = 'public' if is_public else 'private'
        if visibility not in VISIBILITIES:
            raise exception.InvalidInput(
                reason='visibility must be one of %s'
                       % ', '.join(VISIBILITIES))
        owner = (meta.pop('owner', None) or
                 getattr(context, 'project_id', None) or
                 CONF.image.local_default_owner)
        properties = dict(meta.pop('properties', None) or {})
        name = meta.pop('name', None)
        min_ram = _non_negative(meta.pop('min_ram', 0), 'min_ram')
        min_disk = _non_negative(meta.pop('min_disk', 0), 'min_disk')
        protected = bool(meta.pop('protected', False))
        for key in BASE_KEYS:
            # Computed fields given by the caller are ignored.
            meta.pop(key, None)
        properties.update(meta)
        now = _now()
        return {
            'id': image_id,
            'name': name,
            'status': 'queued',
            'visibility': visibility,
            'owner': owner,
            'size': None,
            'checksum': None,
            'os_hash_algo': None,
            'os_hash_value': None,
            'disk_format': disk_format,
            'container_format': container_format,
            'min_ram': min_ram,
            'min_disk': min_disk,
            'protected': protected,
            'properties': {str(k): '' if v is None else str(v)
                           for k, v in properties.items()},
            'created_at': now,
            'updated_at': now,
        }

    def _store_data(self, image, data):
        self._ensure_directory()
        md5 = hashlib.md5(usedforsecurity=False)
        digest = hashlib.new(HASH_ALGO)
        size = 0
        fd, tmp = self._tempfile()
        try:
            with os.fdopen(fd, 'wb') as f:
                for chunk in _chunks(data):
                    f.write(chunk)
                    md5.update(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self._data_path(image['id']))
        except BaseException:
            _remove_quietly(tmp)
            raise
        image = dict(image, status='active', size=size,
                     checksum=md5.hexdigest(), os_hash_algo=HASH_ALGO,
                     os_hash_value=digest.hexdigest(), updated_at=_now())
        self._write_meta(image)
        LOG.info('Stored image %s (%s), %d bytes',
                 image['id'], image['name'], size)
        return image


def _complete(image):
    """``image`` with every base key of a record, as written today:
    records of images imported without an owner (or by older versions)
    get the default owner and empty values for what they lack."""
    for key in BASE_KEYS:
        image.setdefault(key, None)
    image.setdefault('properties', {})
    if image['min_ram'] is None:
        image['min_ram'] = 0
    if image['min_disk'] is None:
        image['min_disk'] = 0
    if image['protected'] is None:
        image['protected'] = False
    if not image['owner']:
        image['owner'] = CONF.image.local_default_owner
    return image


def _non_negative(value, name):
    try:
        value = int(value or 0)
    except (TypeError, ValueError):
        raise exception.InvalidInput(reason='%s must be an integer' % name)
    if value < 0:
        raise exception.InvalidInput(reason='%s must be >= 0' % name)
    return value


def _sort_value(value):
    # None sorts before everything; mixed types compare as strings.
    return (value is not None, value if isinstance(value, int) else
            ('' if value is None else str(value)))


def _matches(image, filters):
    for key, wanted in filters.items():
        if wanted is None:
            continue
        if key == 'size_min':
            if (image.get('size') or 0) < int(wanted):
                return False
        elif key == 'size_max':
            if image.get('size') is None or image['size'] > int(wanted):
                return False
        elif key == 'properties':
            for pkey, pvalue in wanted.items():
                if image['properties'].get(pkey) != str(pvalue):
                    return False
        elif key in BASE_KEYS:
            values = wanted if isinstance(wanted, (list, tuple, set)) \
                else [wanted]
            if str(image.get(key)) not in {str(v) for v in values}:
                return False
        else:
            # Unknown keys filter on custom properties, as in Glance.
            if image['properties'].get(key) != str(wanted):
                return False
    return True


def _remove_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
