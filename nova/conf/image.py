"""[image]: where images come from."""

from oslo_config import cfg

image_group = cfg.OptGroup('image', title='Image source options',
                           help='The image source servers boot from.')

image_opts = [
    cfg.StrOpt('source',
               default='local',
               choices=[('local', 'A directory of image files with JSON '
                         'metadata, managed with "nova-manage image".')],
               help='Which image source the API and computes use.'),
    cfg.StrOpt('local_dir',
               help='Directory of the local image source. Defaults to '
                    '$state_path/images.'),
]


def register_opts(conf):
    conf.register_group(image_group)
    conf.register_opts(image_opts, group=image_group)


def list_opts():
    return {image_group: image_opts}
