"""The personas every API rule is written in.

Nova's defaults follow Keystone's role model: ``reader`` < ``member`` <
``manager`` on a project (Keystone's bootstrap makes each role imply the
next lower one), ``admin`` over the whole deployment, and ``service`` for
the other OpenStack services. Every rule is project-scoped; with
[oslo_policy] enforce_scope a system-scoped token is refused.
"""

from oslo_policy import policy

ADMIN = 'rule:context_is_admin'
PROJECT_MANAGER = 'rule:project_manager_api'
PROJECT_MEMBER = 'rule:project_member_api'
PROJECT_READER = 'rule:project_reader_api'
PROJECT_MANAGER_OR_ADMIN = 'rule:project_manager_or_admin'
PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin'
PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin'
SERVICE_ROLE = 'rule:service_api'
SERVICE_OR_ADMIN = 'rule:service_or_admin'
ANY = '@'
NOBODY = '!'

SCOPE = ['project']

rules = [
    policy.RuleDefault(
        'context_is_admin', 'role:admin',
        'Who is an administrator of the whole deployment.'),
    policy.RuleDefault(
        'project_manager_api', 'role:manager and project_id:%(project_id)s',
        'A manager of the project that owns the resource.'),
    policy.RuleDefault(
        'project_member_api', 'role:member and project_id:%(project_id)s',
        'A member of the project that owns the resource.'),
    policy.RuleDefault(
        'project_reader_api', 'role:reader and project_id:%(project_id)s',
        'A reader of the project that owns the resource.'),
    policy.RuleDefault(
        'project_manager_or_admin',
        'rule:project_manager_api or rule:context_is_admin',
        'A manager of the owning project, or an administrator.'),
    policy.RuleDefault(
        'project_member_or_admin',
        'rule:project_member_api or rule:context_is_admin',
        'A member of the owning project, or an administrator.'),
    policy.RuleDefault(
        'project_reader_or_admin',
        'rule:project_reader_api or rule:context_is_admin',
        'A reader of the owning project, or an administrator.'),
    policy.RuleDefault(
        'service_api', 'role:service',
        'Another OpenStack service acting with its service role.'),
    policy.RuleDefault(
        'service_or_admin', 'rule:service_api or rule:context_is_admin',
        'Another OpenStack service, or an administrator.'),
]


def rule(name, check_str, description, operations):
    """One documented, project-scoped default.

    ``operations`` is a list of (method, path) pairs.
    """
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=SCOPE)


def list_rules():
    return rules
