"""The face of the image service that the rest of nova calls.

Images are plain dicts shaped like Glance v2 image records::

    {'id', 'name', 'status' ('queued' | 'active'),
     'visibility' ('public' | 'private' | 'shared' | 'community'),
     'owner' (project id), 'size', 'checksum' (md5 hex),
     'os_hash_algo' ('sha512'), 'os_hash_value', 'disk_format',
     'container_format', 'min_ram', 'min_disk', 'protected',
     'properties' {str: str},
     'created_at', 'updated_at' ('YYYY-MM-DDTHH:MM:SSZ')}

The backend is picked by [image]/source: ``local`` (a directory managed
with ``nova-manage image``, nova.image.local) or ``glance`` (a Glance v2
image service called with the user's token, nova.image.glance).
"""

import nova.conf
from nova.image import glance
from nova.image import local

CONF = nova.conf.CONF

BACKENDS = {
    'local': local.LocalImageSource,
    'glance': glance.GlanceImageSource,
}


class API:
    """Reads and writes images for a request context.

    Errors: ImageNotFound (unknown or not visible to the context),
    ImageNotActive (download of an image without data), ImageExists,
    InvalidInput, InvalidSortKey, MarkerNotFound, Forbidden (deleting an
    image of another project).
    """

    def __init__(self, backend=None):
        self._backend = backend

    @property
    def backend(self):
        # Chosen on first use: the API object may be built before the
        # configuration files are parsed.
        if self._backend is None:
            source = CONF.image.source
            try:
                self._backend = BACKENDS[source]()
            except KeyError:
                raise RuntimeError('unknown [image]/source %r' % source)
        return self._backend

    def get(self, context, image_id):
        """The image record ``image_id``."""
        return self.backend.get(context, image_id)

    def get_all(self, context, filters=None, limit=None, marker=None,
                sort_key='created_at', sort_dir='desc'):
        """Visible images, filtered, sorted and paged.

        ``filters`` keys are record fields (exact match; a list matches
        any of its values), ``size_min``/``size_max``, ``properties`` (a
        dict that must be contained) or any other name, which matches a
        custom property. ``marker`` is the id of the last image of the
        previous page.
        """
        return self.backend.get_all(context, filters=filters, limit=limit,
                                    marker=marker, sort_key=sort_key,
                                    sort_dir=sort_dir)

    def download(self, context, image_id, dst_path=None):
        """The image data as bytes, or written to ``dst_path`` (returns
        None then)."""
        return self.backend.download(context, image_id, dst_path=dst_path)

    def create(self, context, image_meta, data=None):
        """Create an image and return its record.

        ``data`` may be bytes, a binary file object or an iterable of
        bytes; without it the image stays ``queued`` until upload().
        Keys of ``image_meta`` that are not record fields become custom
        properties. Visibility defaults to private, owner to the context's
        project.
        """
        return self.backend.create(context, image_meta, data=data)

    def upload(self, context, image_id, data):
        """Give a queued image its data; returns the updated record."""
        return self.backend.upload(context, image_id, data)

    def delete(self, context, image_id):
        """Delete an image and its data."""
        self.backend.delete(context, image_id)

    def update_properties(self, context, image_id, properties, purge=False):
        """Set custom properties of an image (all of them replaced by
        ``properties`` with ``purge``; a value of None removes a key);
        returns the updated record. Only the owner or an admin may."""
        return self.backend.update_properties(context, image_id, properties,
                                              purge=purge)
