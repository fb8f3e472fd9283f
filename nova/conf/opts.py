"""Option listing for oslo-config-generator (entry point nova.conf)."""

import collections


from nova.conf import MODULES


def list_opts():
    by_group = collections.defaultdict(list)
    for module in MODULES:
        for group, opts in module.list_opts().items():
            by_group[group].extend(opts)
    return list(by_group.items())
