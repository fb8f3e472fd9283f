"""Security groups and rules as the Compute API shows them."""


def rule(item, grantee=None):
    """A rule; ``grantee`` is {"name", "tenant_id"} of the group the rule
    grants access to (rules granting a CIDR have an ip_range instead)."""
    body = {
        'id': item['id'],
        'parent_group_id': item['parent_group_id'],
        'ip_protocol': item['protocol'],
        'from_port': item['from_port'],
        'to_port': item['to_port'],
        'group': {},
        'ip_range': {},
    }
    if item.get('group_id'):
        body['group'] = dict(grantee or {})
    else:
        body['ip_range'] = {'cidr': item['cidr']}
    return body


def group(item, grantees):
    """A group; ``grantees`` maps the ids of the groups its rules grant
    access to to {"name", "tenant_id"}. A rule whose group the caller
    cannot see is left out."""
    return {
        'id': item['id'],
        'name': item['name'],
        'description': item['description'],
        'tenant_id': item['project_id'],
        'rules': [rule(r, grantees.get(r['group_id']))
                  for r in item['rules']
                  if not r.get('group_id') or r['group_id'] in grantees],
    }


def groups(items, grantees):
    """Groups sorted by project and name, as upstream lists them."""
    shown = [group(item, grantees) for item in items]
    return sorted(shown, key=lambda g: (g['tenant_id'] or '',
                                        g['name'] or ''))
