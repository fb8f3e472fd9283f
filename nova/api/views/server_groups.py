"""Bodies of the os-server-groups resource."""

from nova.api import common
from nova.api.schemas import server_groups as schema


def _rules(rules):
    # Rules are stored as strings; the API shows numbers as numbers.
    return {key: int(value) if str(value).isdigit() else value
            for key, value in (rules or {}).items()}


def live_members(req, members):
    """The members not deleted (nor being deleted), in group order: a
    deleted server stays recorded in its group but is not shown."""
    members = list(members or [])
    if not members:
        return []
    from nova import objects
    mappings = objects.InstanceMappingList.get_by_instance_uuids(
        common.context(req), members)
    live = {m.instance_uuid for m in mappings if not m.queued_for_delete}
    return [uuid for uuid in members if uuid in live]


def server_group(req, group):
    version = common.version(req)
    body = {'id': group.uuid, 'name': group.name}
    if version >= schema.MV_SERVER_GROUP_POLICY:
        body['policy'] = group.policy
        body['rules'] = _rules(group.rules)
    else:
        body['policies'] = list(group.policies)
        body['metadata'] = {}
    body['members'] = live_members(req, group.members)
    if version >= schema.MV_PROJECT_USER:
        body['project_id'] = group.project_id
        body['user_id'] = group.user_id
    return body


def show(req, group):
    return {'server_group': server_group(req, group)}


def index(req, groups):
    return {'server_groups': [server_group(req, g) for g in groups]}
