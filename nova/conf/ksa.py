"""keystoneauth's session and adapter options, with nova's defaults.

The groups of service clients ([placement], [glance]) hold keystoneauth's
own options, as upstream does, so an operator configures each like any
other OpenStack client: endpoint_override or the catalog for the URL,
timeouts and retries for the connection.
"""

from keystoneauth1 import loading as ks_loading


def session_and_adapter_opts(**defaults):
    """keystoneauth's session and adapter options, ``defaults`` (by option
    name) replacing keystoneauth's own."""
    opts = (ks_loading.get_session_conf_options() +
            ks_loading.get_adapter_conf_options(include_deprecated=False))
    for opt in opts:
        if opt.dest in defaults:
            opt.default = defaults[opt.dest]
    return opts
