"""[service_user]: the service token nova sends next to a user's token.

When nova calls another service (the image service, ...) on behalf of a
user, it passes the user's own token on. That token was valid when the
request reached nova-api, but a build or a snapshot may run long enough
for it to expire before the call is made. With send_service_user_token,
nova also sends a token of its own service user as ``X-Service-Token``:
keystonemiddleware in front of the other service then accepts the user's
token even past its expiry (a service token must carry one of the
[keystone_authtoken] service_token_roles of that service, "service" by
default), and the other service can tell that nova makes the call.

The group holds keystoneauth's session options and auth options (auth_type
"password" with auth_url, username, password, project_name, ...) of that
service user, as upstream nova has them.
"""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

SERVICE_USER_GROUP = 'service_user'

service_user_group = cfg.OptGroup(
    SERVICE_USER_GROUP, title='Service token options',
    help='A token of nova\'s service user, sent as X-Service-Token '
         'alongside the user\'s token when nova calls another REST API '
         'for a user.')

service_user_opts = [
    cfg.BoolOpt('send_service_user_token',
                default=False,
                help='When nova passes a user\'s token on to another REST '
                     'API (the image service, ...), also send a token of '
                     'the service user configured in this group as '
                     'X-Service-Token. The other service then accepts the '
                     'user\'s token even if it expired while nova worked '
                     'on the request, and knows that nova makes the call. '
                     'The service user needs a role listed in the other '
                     'service\'s [keystone_authtoken] service_token_roles '
                     '("service" by default).'),
]


def register_opts(conf):
    conf.register_group(service_user_group)
    conf.register_opts(service_user_opts, group=service_user_group)
    ks_loading.register_session_conf_options(conf, SERVICE_USER_GROUP)
    ks_loading.register_auth_conf_options(conf, SERVICE_USER_GROUP)


def list_opts():
    return {service_user_group: (
        service_user_opts +
        ks_loading.get_session_conf_options() +
        ks_loading.get_auth_common_conf_options() +
        ks_loading.get_auth_plugin_conf_options('password'))}
