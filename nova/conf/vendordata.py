"""[vendordata_dynamic_auth]: who the metadata service is when it asks
the services of [api] vendordata_dynamic_targets for vendor data.

The group holds keystoneauth's session options (TLS, timeout) and auth
options (auth_type "password" with auth_url, username, password,
project_name, ...), as upstream nova has them. Without an auth_type the
requests go out without a token.
"""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

VENDORDATA_GROUP = 'vendordata_dynamic_auth'

vendordata_group = cfg.OptGroup(
    VENDORDATA_GROUP, title='Dynamic vendor data authentication',
    help='Credentials and session settings the metadata service (and the '
         'config drive builder) uses to call the dynamic vendor data '
         'services of [api] vendordata_dynamic_targets.')


def register_opts(conf):
    conf.register_group(vendordata_group)
    ks_loading.register_session_conf_options(conf, VENDORDATA_GROUP)
    ks_loading.register_auth_conf_options(conf, VENDORDATA_GROUP)


def list_opts():
    return {vendordata_group: (
        ks_loading.get_session_conf_options() +
        ks_loading.get_auth_common_conf_options() +
        ks_loading.get_auth_plugin_conf_options('password') +
        ks_loading.get_auth_plugin_conf_options('v3password'))}
