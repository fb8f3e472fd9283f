"""IsolatedHostsFilter: keep some images on some hosts.

``[filter_scheduler] isolated_images`` may only boot on ``isolated_hosts``.
With ``restrict_isolated_hosts_to_isolated_images`` (the default) the
isolated hosts boot nothing else either:

=================  ==============  ==================
restrict=True      isolated image  other image
=================  ==============  ==================
isolated host      pass            fail
other host         fail            pass
=================  ==============  ==================

With restrict=False an isolated host also takes other images.
"""

import nova.conf
from nova.scheduler import filters

CONF = nova.conf.CONF


class IsolatedHostsFilter(filters.BaseHostFilter):
    """Keeps isolated images and isolated hosts together."""

    run_filter_once_per_request = True
    # The image of a rebuild must still be allowed on the host.
    RUN_ON_REBUILD = True

    @staticmethod
    def _rule(spec_obj):
        """A function host name -> passes, for this request."""
        conf = CONF.filter_scheduler
        isolated_hosts = set(conf.isolated_hosts)
        restrict = conf.restrict_isolated_hosts_to_isolated_images
        if not conf.isolated_images:
            if not restrict:
                return None
            return lambda host: host not in isolated_hosts
        image = spec_obj.image if spec_obj.obj_attr_is_set('image') else None
        # A volume-backed server may have no image id.
        image_id = (image.id if image is not None and
                    image.obj_attr_is_set('id') else None)
        image_isolated = image_id in conf.isolated_images
        if restrict:
            return lambda host: (host in isolated_hosts) == image_isolated
        if not image_isolated:
            return None
        return lambda host: host in isolated_hosts

    def host_passes(self, host_state, spec_obj):
        rule = self._rule(spec_obj)
        return rule is None or rule(host_state.host)

    def filter_all(self, host_states, spec_obj):
        rule = self._rule(spec_obj)
        if rule is None:
            return list(host_states)
        return [hs for hs in host_states if rule(hs.host)]
