"""GET /allocation_candidates (1.10 and later)."""

import re

from nova.placement import candidates
from nova.placement import errors
from nova.placement import filters
from nova.placement import microversion as mv
from nova.placement import names
from nova.placement import providers
from nova.placement import util

_GROUP_KEY_RE = re.compile(
    r'^(resources|required|member_of|in_tree)([a-zA-Z0-9_-]{1,64})?$')
_DIGITS_RE = re.compile(r'^[1-9][0-9]*$')
_LIMIT_RE = re.compile(r'^[1-9][0-9]*$')


def _split_params(req):
    """({suffix: {kind: [values]}}, other params) after validation."""
    granular = mv.at_least(req, '1.25')
    string_suffixes = mv.at_least(req, '1.33')
    allowed_plain = {'resources'}
    if mv.at_least(req, '1.16'):
        allowed_plain.add('limit')
    if mv.at_least(req, '1.17'):
        allowed_plain.add('required')
    if mv.at_least(req, '1.21'):
        allowed_plain.add('member_of')
    if granular:
        allowed_plain.add('group_policy')
    if mv.at_least(req, '1.31'):
        allowed_plain.add('in_tree')
    if mv.at_least(req, '1.35'):
        allowed_plain.add('root_required')
    if mv.at_least(req, '1.36'):
        allowed_plain.add('same_subtree')
    repeatable = {'member_of', 'same_subtree'}
    if mv.at_least(req, '1.39'):
        repeatable.add('required')
    groups = {}
    other = {}
    for key, value in req.GET.items():
        match = _GROUP_KEY_RE.match(key)
        suffix = match.group(2) if match else None
        if match and suffix and granular and (
                string_suffixes or _DIGITS_RE.match(suffix)):
            kind = match.group(1)
            if kind == 'in_tree' and not mv.at_least(req, '1.31'):
                match = None
        elif key in allowed_plain and match:
            kind, suffix = match.group(1), ''
        else:
            match = None
        if match is None:
            if key not in allowed_plain:
                raise errors.BadRequest(
                    "Invalid query string parameters: Additional properties "
                    "are not allowed ('%s' was unexpected)" % key)
            if key in other and key not in repeatable:
                raise errors.BadRequest(
                    'Query parameter %r may be given only once.' % key,
                    code=errors.QUERY_DUPLICATE_KEY)
            other.setdefault(key, []).append(value)
            continue
        entry = groups.setdefault(suffix, {})
        if kind in entry and kind not in repeatable:
            raise errors.BadRequest(
                'Query parameter %r may be given only once.' % key,
                code=errors.QUERY_DUPLICATE_KEY)
        entry.setdefault(kind, []).append(value)
    return groups, other


def _in_tree(conn, value):
    norm = util.normalize_uuid(value)
    if norm is None:
        raise errors.BadRequest(
            "Invalid query string parameters: Expected 'in_tree' parameter "
            "to be a format of uuid. Got: %s" % value,
            code=errors.QUERY_BAD_VALUE)
    rp = providers.get(conn, norm)
    return -1 if rp is None else rp.root_provider_id


def _build_request(req, db, conn):
    groups_in, other = _split_params(req)
    if not groups_in.get('', {}).get('resources') and not any(
            'resources' in g for s, g in groups_in.items() if s):
        if not mv.at_least(req, '1.25'):
            raise errors.BadRequest(
                "Invalid query string parameters: 'resources' is a required "
                "property", code=errors.QUERY_MISSING_VALUE)
        raise errors.BadRequest(
            'At least one request group (`resources` or `resources{$S}`) '
            'is required.', code=errors.QUERY_MISSING_VALUE)
    same_subtree = []
    for value in other.get('same_subtree', []):
        suffixes = [s.strip() for s in value.split(',')]
        if not all(suffixes):
            raise errors.BadRequest(
                'Empty string (unsuffixed group) can not be specified in '
                '`same_subtree` ', code=errors.QUERY_BAD_VALUE)
        for s in suffixes:
            if s not in groups_in:
                raise errors.BadRequest(
                    'Real suffixes should be specified in `same_subtree`: '
                    '%s not found in %s.' % (s, sorted(groups_in)),
                    code=errors.QUERY_BAD_VALUE)
        same_subtree.append(suffixes)
    in_subtree = set(s for lst in same_subtree for s in lst)
    groups = []
    for suffix in sorted(groups_in):
        entry = groups_in[suffix]
        if 'resources' in entry:
            resources = filters.resource_ids(
                db, conn, filters.parse_resources(entry['resources'][0]))
        else:
            resources = {}
            if suffix:
                if not mv.at_least(req, '1.36'):
                    orphan = sorted(k + suffix for k in entry)
                    raise errors.BadRequest(
                        'All traits parameters must be associated with '
                        'resources. Found the following orphaned traits '
                        'keys: %s' % ', '.join(orphan),
                        code=errors.QUERY_BAD_VALUE)
                if suffix not in in_subtree:
                    raise errors.BadRequest(
                        'Resourceless suffixed group request should be '
                        'specified in `same_subtree` query param: bad group'
                        '(s) - [%r].' % suffix, code=errors.QUERY_BAD_VALUE)
        traits = (filters.parse_required(req, entry['required'], db, conn,
                                         'required' + suffix)
                  if 'required' in entry else filters.TraitFilter())
        aggs = (filters.parse_member_of(req, entry['member_of'], conn)
                if 'member_of' in entry else filters.AggregateFilter())
        in_tree = (_in_tree(conn, entry['in_tree'][0])
                   if 'in_tree' in entry else None)
        groups.append(candidates.RequestGroup(suffix, resources, traits,
                                              aggs, in_tree))
    granular = [g for g in groups if g.granular]
    policy = other.get('group_policy', [None])[0]
    if policy not in (None, 'none', 'isolate'):
        raise errors.BadRequest(
            "Invalid query string parameters: '%s' is not one of ['none', "
            "'isolate']" % policy, code=errors.QUERY_BAD_VALUE)
    if len(granular) > 1 and policy is None:
        raise errors.BadRequest(
            'The "group_policy" parameter is required when specifying more '
            'than one "resources{N}" parameter.',
            code=errors.QUERY_MISSING_VALUE)
    limit = None
    if 'limit' in other:
        value = other['limit'][0]
        if not _LIMIT_RE.match(value):
            raise errors.BadRequest(
                "Invalid query string parameters: '%s' does not match "
                "'^[1-9][0-9]*$'" % value, code=errors.QUERY_BAD_VALUE)
        limit = int(value)
    conf = util.conf(req).placement_api
    if conf.max_allocation_candidates > 0:
        limit = min(limit or conf.max_allocation_candidates,
                    conf.max_allocation_candidates)
    root_required = None
    if 'root_required' in other:
        root_required = filters.parse_required(
            req, other['root_required'], db, conn, 'root_required')
    return candidates.Request(
        groups, isolate=policy == 'isolate', root_required=root_required,
        same_subtree=same_subtree, limit=limit,
        randomize=conf.randomize_allocation_candidates,
        nested_aware=mv.at_least(req, '1.29'))


def list_all(req):
    if not mv.at_least(req, '1.10'):
        raise errors.NotFound('The resource could not be found.')
    db = util.db(req)
    with db.reader() as conn:
        request = _build_request(req, db, conn)
        found = candidates.find(conn, request)
        requested_rcs = set()
        for group in request.groups:
            requested_rcs.update(group.resources)
        rps, invs, traits = candidates.summaries(
            conn, found,
            rc_ids=None if mv.at_least(req, '1.27') else requested_rcs,
            with_traits=mv.at_least(req, '1.17'),
            whole_trees=mv.at_least(req, '1.29'))
        rc_name = names.rc_names(db, conn)
        wanted = set(t for ids in traits.values() for t in ids)
        trait_table = names.names(db, conn).trait_by_id
        if not wanted.issubset(trait_table):
            names.names(db, conn).reload(conn)
            trait_table = names.names(db, conn).trait_by_id
        body = _render(req, found, rps, invs, traits, rc_name, trait_table)
    return util.json_response(req, body, last_modified=None)


def _render(req, found, rps, invs, traits, rc_name, trait_table):
    dict_format = mv.at_least(req, '1.12')
    with_mappings = mv.at_least(req, '1.34')
    requests = []
    for cand in found:
        if dict_format:
            allocs = {rps[rp][0]: {'resources': {rc_name(rc): n
                                                 for rc, n in res.items()}}
                      for rp, res in cand.allocations.items()}
            item = {'allocations': allocs}
            if with_mappings:
                item['mappings'] = {s: [rps[rp][0] for rp in ids]
                                    for s, ids in cand.mappings.items()
                                    if ids}
        else:
            item = {'allocations': [
                {'resource_provider': {'uuid': rps[rp][0]},
                 'resources': {rc_name(rc): n for rc, n in res.items()}}
                for rp, res in cand.allocations.items()]}
        requests.append(item)
    with_traits = mv.at_least(req, '1.17')
    with_tree = mv.at_least(req, '1.29')
    summaries = {}
    for rp, (uuid, parent_uuid, root_uuid) in rps.items():
        entry = {'resources': {rc_name(rc): {'capacity': cap, 'used': used}
                               for rc, cap, used in invs.get(rp, ())}}
        if with_traits:
            entry['traits'] = sorted(trait_table.get(t, '')
                                     for t in traits.get(rp, ()))
        if with_tree:
            entry['parent_provider_uuid'] = parent_uuid
            entry['root_provider_uuid'] = root_uuid
        summaries[uuid] = entry
    return {'allocation_requests': requests, 'provider_summaries': summaries}
