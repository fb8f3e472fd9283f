"""[placement]: how nova's services reach the placement API."""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

placement_group = cfg.OptGroup(
    'placement', title='Placement client options',
    help='How nova-compute, nova-scheduler, nova-conductor and nova-api '
         'reach the placement service.')

placement_opts = [
    cfg.URIOpt('endpoint_override',
               default='http://127.0.0.1:8778',
               help='URL of the placement API. Set while there is no '
                    'service catalog to look it up in (no Keystone).'),
    cfg.FloatOpt('timeout',
                 default=30.0, min=1.0,
                 help='Seconds to wait for an answer from placement.'),
]


def register_opts(conf):
    conf.register_group(placement_group)
    conf.register_opts(placement_opts, group=placement_group)
    # auth_type (e.g. "password") and the options of that plugin
    # (auth_url, username, ...): a Keystone token for placement. Without
    # auth_type the services send the placeholder token noauth2 accepts.
    ks_loading.register_auth_conf_options(conf, placement_group.name)


def list_opts():
    return {placement_group: (
        placement_opts +
        ks_loading.get_auth_common_conf_options() +
        ks_loading.get_auth_plugin_conf_options('password'))}
