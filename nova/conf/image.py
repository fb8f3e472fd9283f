"""[image]: where images come from; [glance]: how to reach Glance.

With [image] source = glance, nova-api, the conductor and the computes
call a Glance v2 API. The [glance] group holds keystoneauth's own session
and adapter options, as upstream has them: endpoint_override or the
service catalog (service_type "image") for the URL, timeouts, connection
retries, TLS. Calls made for a user carry the user's token (plus a service
token with [service_user] send_service_user_token); calls made without a
user token (nova-manage, periodic tasks) authenticate with the auth
options of [glance] (auth_type "password", auth_url, username, ...), when
set.
"""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from nova.conf import ksa

image_group = cfg.OptGroup('image', title='Image source options',
                           help='The image source servers boot from.')

image_opts = [
    cfg.StrOpt('source',
               default='local',
               choices=[('local', 'A directory of image files with JSON '
                         'metadata, managed with "nova-manage image".'),
                        ('glance', 'A Glance v2 image service, reached '
                         'with the options of the [glance] group.')],
               help='Which image source the API and computes use.'),
    cfg.StrOpt('local_dir',
               help='Directory of the local image source. Defaults to '
                    '$state_path/images.'),
    cfg.StrOpt('local_default_owner',
               help='Project id that owns local images created without a '
                    'project: "nova-manage image import" without --owner '
                    '(it acts as nova, in no project), and records written '
                    'before images always had an owner. Glance gives every '
                    'image the project of its creator, and clients look '
                    'the owner up in the identity service, so it should be '
                    'the project of the cloud\'s administrator (nova-local '
                    'sets it). Unset: such images have no owner.'),
]

GLANCE_GROUP = 'glance'

glance_group = cfg.OptGroup(
    GLANCE_GROUP, title='Glance client options',
    help='How nova reaches the Glance v2 image service when [image] '
         'source is "glance".')

# Find Glance in the catalog as "image" (internal endpoint first), and
# retry a refused connection a few times so that a restarting Glance does
# not fail a boot.
def _ksa_opts():
    return ksa.session_and_adapter_opts(
        service_type='image', valid_interfaces=['internal', 'public'],
        timeout=60, connect_retries=3, connect_retry_delay=0.5)


def register_opts(conf):
    conf.register_group(image_group)
    conf.register_opts(image_opts, group=image_group)
    conf.register_group(glance_group)
    conf.register_opts(_ksa_opts(), group=glance_group)
    ks_loading.register_auth_conf_options(conf, GLANCE_GROUP)


def list_opts():
    return {image_group: image_opts,
            glance_group: (_ksa_opts() +
                           ks_loading.get_auth_common_conf_options() +
                           ks_loading.get_auth_plugin_conf_options(
                               'password'))}
