"""Option listing for oslo-config-generator (entry point nova.conf)."""

import collections


from nova.conf import MODULES


def list_opts():
    # Modules may add options to another module's group by its name: one
    # entry per group, under its OptGroup (with its help) where one has it.
    groups = {}
    by_name = collections.defaultdict(list)
    for module in MODULES:
        for group, opts in module.list_opts().items():
            name = getattr(group, 'name', group)
            if isinstance(group, str):
                groups.setdefault(name, group)
            else:
                groups[name] = group
            by_name[name].extend(opts)
    return [(groups[name], opts) for name, opts in by_name.items()]
