"""[placement]: how nova's services reach the placement API (keystoneauth's
session, adapter and auth options; see nova.conf.ksa)."""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from nova.conf import ksa

placement_group = cfg.OptGroup(
    'placement', title='Placement client options',
    help='How nova-compute, nova-scheduler, nova-conductor and nova-api '
         'reach the placement service.')

# A placement API that briefly refuses or resets connections (a restart,
# a full accept backlog under a burst of boots) must not fail a build, so
# connections are retried.
def _ksa_opts():
    return ksa.session_and_adapter_opts(
        service_type='placement', valid_interfaces=['internal', 'public'],
        timeout=30, connect_retries=3, connect_retry_delay=0.5)


def register_opts(conf):
    conf.register_group(placement_group)
    conf.register_opts(_ksa_opts(), group=placement_group)
    # auth_type (e.g. "password") and the options of that plugin
    # (auth_url, username, ...): a Keystone token for placement. Without
    # auth_type the services send the placeholder token noauth2 accepts,
    # to endpoint_override.
    ks_loading.register_auth_conf_options(conf, placement_group.name)


def list_opts():
    return {placement_group: (
        _ksa_opts() +
        ks_loading.get_auth_common_conf_options() +
        ks_loading.get_auth_plugin_conf_options('password'))}
