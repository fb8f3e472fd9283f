"""Policy defaults of /limits: everyone reads their own project's limits
and usage; another project's (tenant_id) only administrators."""

from nova.policies import base

LIMITS = 'os_compute_api:limits'
OTHER_PROJECT = 'os_compute_api:limits:other_project'

rules = [
    base.rule(LIMITS, base.ANY,
              "Show the absolute limits and usage of the caller's project.",
              [('GET', '/limits')]),
    base.rule(OTHER_PROJECT, base.ADMIN,
              "Show another project's limits and usage (tenant_id). "
              'Checked after os_compute_api:limits.',
              [('GET', '/limits')]),
]


def list_rules():
    return rules
