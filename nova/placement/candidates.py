"""Allocation candidates: the ways a request can be satisfied.

A request is a list of request groups (``RequestGroup``): the unsuffixed
group, whose resources may come from any providers of one tree, and the
suffixed (granular) groups, each satisfied by a single provider. The work
splits by tree shape, because almost every provider of a real cloud is a
tree of one:

- trees of one provider are answered by a single SQL query: the provider
  must hold the sum of every group's resources, every group's traits and
  aggregates; the database filters, orders and limits;
- trees of several providers (nested: NUMA nodes, GPUs, NICs) are loaded
  once (providers, the requested inventories with their usage, the traits
  and aggregates named by the request) and combined in Python, tree by
  tree, group by group.

Usage is always summed in SQL (correlated sums over an index that covers
provider, class and amount), never per provider from Python.
"""

import itertools
import random

import sqlalchemy as sa

from nova.placement.db import models
from nova.placement import filters

RP = models.RP
INV = models.INV
ALLOC = models.ALLOC


class RequestGroup:
    def __init__(self, suffix, resources, traits, aggs, in_tree=None):
        self.suffix = suffix
        self.resources = resources           # {rc_id: amount}
        self.traits = traits                 # filters.TraitFilter
        self.aggs = aggs                     # filters.AggregateFilter
        self.in_tree = in_tree               # root id, -1 for none, or None

    @property
    def granular(self):
        return self.suffix != ''


class Request:
    def __init__(self, groups, isolate=False, root_required=None,
                 same_subtree=(), limit=None, randomize=False,
                 nested_aware=True):
        self.groups = groups
        self.isolate = isolate
        self.root_required = root_required or filters.TraitFilter()
        self.same_subtree = [list(s) for s in same_subtree]
        self.limit = limit
        self.randomize = randomize
        self.nested_aware = nested_aware


class Candidate:
    __slots__ = ('allocations', 'mappings', 'root', 'root_uuid')

    def __init__(self, allocations, mappings, root, root_uuid=None):
        self.allocations = allocations       # {rp_id: {rc_id: amount}}
        self.mappings = mappings             # {suffix: [rp_id]}
        self.root = root
        # Known for trees of one provider, which then need no lookup.
        self.root_uuid = root_uuid


# -- trees of one provider ---------------------------------------------------

def _flat_candidates(conn, request):
    groups = request.groups
    granular = [g for g in groups if g.granular]
    if request.isolate and len(granular) > 1:
        return []
    resources = {}
    traits = request.root_required
    aggs = filters.AggregateFilter()
    roots = set()
    for group in groups:
        for rc, amount in group.resources.items():
            resources[rc] = resources.get(rc, 0) + amount
        traits = traits.merged(group.traits)
        aggs = aggs.merged(group.aggs)
        if group.in_tree is not None:
            roots.add(group.in_tree)
    if len(roots) > 1:
        return []
    child = RP.alias('child_rp')
    query = sa.select(RP.c.id, RP.c.uuid).where(
        RP.c.parent_provider_id.is_(None),
        ~sa.exists().where(child.c.parent_provider_id == RP.c.id))
    if roots:
        query = query.where(RP.c.id == roots.pop())
    for rc, amount in sorted(resources.items()):
        inv = INV.alias()
        query = query.join(inv, sa.and_(
            inv.c.resource_provider_id == RP.c.id,
            *filters.capacity_conditions(inv, rc, amount)))
    for cond in filters.trait_conditions(RP.c.id, traits):
        query = query.where(cond)
    for cond in filters.aggregate_conditions(RP.c.id, aggs):
        query = query.where(cond)
    if request.randomize:
        query = query.order_by(sa.func.random()
                               if conn.dialect.name != 'mysql'
                               else sa.func.rand())
    else:
        query = query.order_by(RP.c.id)
    if request.limit is not None:
        query = query.limit(request.limit)
    out = []
    suffixes = [g.suffix for g in groups]
    for rp_id, rp_uuid in conn.execute(query):
        out.append(Candidate({rp_id: dict(resources)} if resources else {},
                             {s: [rp_id] for s in suffixes}, rp_id,
                             rp_uuid))
    return out


# -- trees of several providers ----------------------------------------------

class _Tree:
    __slots__ = ('root', 'members', 'parent')

    def __init__(self, root):
        self.root = root
        self.members = []
        self.parent = {}


def _load_nested(conn, request):
    """Everything the Python side needs about the multi-provider trees."""
    has_children = sa.select(RP.c.root_provider_id).where(
        RP.c.parent_provider_id.is_not(None)).distinct()
    query = sa.select(RP.c.id, RP.c.parent_provider_id,
                      RP.c.root_provider_id).where(
        RP.c.root_provider_id.in_(has_children))
    roots = set(g.in_tree for g in request.groups if g.in_tree is not None)
    if len(roots) > 1:
        return None
    if roots:
        query = query.where(RP.c.root_provider_id == next(iter(roots)))
    trees = {}
    for rp_id, parent, root in conn.execute(query):
        tree = trees.get(root)
        if tree is None:
            tree = trees[root] = _Tree(root)
        tree.members.append(rp_id)
        tree.parent[rp_id] = parent
    if not trees:
        return None
    rcs = set()
    trait_ids = set(request.root_required.all_ids())
    agg_ids = set()
    for group in request.groups:
        rcs.update(group.resources)
        trait_ids |= group.traits.all_ids()
        for s in group.aggs.any_of:
            agg_ids |= s
        agg_ids |= group.aggs.forbidden
    in_nested = RP.c.root_provider_id.in_(has_children)
    inv = INV.alias('inv')
    free = {}
    if rcs:
        rows = conn.execute(
            sa.select(inv.c.resource_provider_id, inv.c.resource_class_id,
                      inv.c.total, inv.c.reserved, inv.c.allocation_ratio,
                      inv.c.min_unit, inv.c.max_unit, inv.c.step_size,
                      filters.usage_of(inv))
            .select_from(inv.join(RP, RP.c.id == inv.c.resource_provider_id))
            .where(in_nested, inv.c.resource_class_id.in_(sorted(rcs))))
        for rp, rc, total, reserved, ratio, lo, hi, step, used in rows:
            cap = (total - reserved) * ratio - int(used)
            free[(rp, rc)] = (cap, lo, hi, step)
    traits = {}
    if trait_ids:
        tbl = models.RP_TRAIT
        for rp, trait in conn.execute(
                sa.select(tbl.c.resource_provider_id, tbl.c.trait_id)
                .select_from(tbl.join(RP,
                                      RP.c.id == tbl.c.resource_provider_id))
                .where(in_nested, tbl.c.trait_id.in_(sorted(trait_ids)))):
            traits.setdefault(rp, set()).add(trait)
    aggs = {}
    if agg_ids:
        tbl = models.RP_AGG
        for rp, agg in conn.execute(
                sa.select(tbl.c.resource_provider_id, tbl.c.aggregate_id)
                .select_from(tbl.join(RP,
                                      RP.c.id == tbl.c.resource_provider_id))
                .where(in_nested, tbl.c.aggregate_id.in_(sorted(agg_ids)))):
            aggs.setdefault(rp, set()).add(agg)
    return trees, free, traits, aggs


_EMPTY = frozenset()


def _fits(free, rp, rc, amount):
    entry = free.get((rp, rc))
    if entry is None:
        return False
    cap, lo, hi, step = entry
    return lo <= amount <= hi and amount % step == 0 and cap >= amount


def _agg_ok(group, aggs, tree, rp):
    if not group.aggs:
        return True
    mine = aggs.get(rp, _EMPTY)
    if group.aggs.matches(mine):
        return True
    # In the unsuffixed group a provider also counts as a member of its
    # root's aggregates (a compute node's aggregates cover its children).
    return not group.granular and group.aggs.matches(
        mine | aggs.get(tree.root, _EMPTY))


def _group_options(group, tree, free, traits, aggs):
    """[(allocations {rp: {rc: n}}, providers tuple)] for one group."""
    if group.granular:
        out = []
        for rp in tree.members:
            if group.traits and not group.traits.matches(
                    traits.get(rp, _EMPTY)):
                continue
            if not _agg_ok(group, aggs, tree, rp):
                continue
            if all(_fits(free, rp, rc, n)
                   for rc, n in group.resources.items()):
                allocs = ({rp: dict(group.resources)}
                          if group.resources else {})
                out.append((allocs, (rp,)))
        return out
    per_rc = []
    for rc, n in sorted(group.resources.items()):
        choices = [rp for rp in tree.members
                   if _fits(free, rp, rc, n) and
                   _agg_ok(group, aggs, tree, rp)]
        if not choices:
            return []
        per_rc.append([(rp, rc, n) for rp in choices])
    out = []
    for combo in itertools.product(*per_rc):
        allocs = {}
        for rp, rc, n in combo:
            allocs.setdefault(rp, {})[rc] = n
        out.append((allocs, tuple(sorted(allocs))))
    return out


def _ancestors(tree, rp):
    chain = []
    while rp is not None:
        chain.append(rp)
        rp = tree.parent.get(rp)
    return chain


def _same_subtree_ok(tree, mappings, suffix_lists):
    for suffixes in suffix_lists:
        rps = set()
        for s in suffixes:
            rps.update(mappings.get(s, ()))
        if len(rps) <= 1:
            continue
        ok = False
        for top in rps:
            if all(top in _ancestors(tree, other) for other in rps):
                ok = True
                break
        if not ok:
            return False
    return True


def _tree_candidates(request, tree, free, traits, aggs, budget):
    options = []
    for group in request.groups:
        if group.in_tree is not None and group.in_tree != tree.root:
            return []
        opts = _group_options(group, tree, free, traits, aggs)
        if not opts and (group.resources or group.granular):
            return []
        options.append((group, opts or [({}, ())]))
    if request.root_required and not request.root_required.matches(
            traits.get(tree.root, _EMPTY)):
        return []
    unsuffixed = [g for g in request.groups if not g.granular]
    out = []
    seen = set()
    for combo in itertools.product(*[opts for _g, opts in options]):
        merged = {}
        mappings = {}
        used_by_granular = set()
        clash = False
        for (group, _opts), (allocs, rps) in zip(options, combo):
            mappings[group.suffix] = list(rps)
            if group.granular and request.isolate:
                if used_by_granular & set(rps):
                    clash = True
                    break
                used_by_granular.update(rps)
            for rp, res in allocs.items():
                target = merged.setdefault(rp, {})
                for rc, n in res.items():
                    target[rc] = target.get(rc, 0) + n
        if clash:
            continue
        if not all(_fits(free, rp, rc, n) for rp, res in merged.items()
                   for rc, n in res.items()):
            continue
        if unsuffixed and unsuffixed[0].traits:
            # The unsuffixed group's traits may be spread over the
            # providers the request uses (all of them when it uses none).
            involved = set(merged) or set(tree.members)
            for rps in mappings.values():
                involved.update(rps)
            have = set()
            for rp in involved:
                have |= traits.get(rp, _EMPTY)
            if not unsuffixed[0].traits.matches(have):
                continue
        if request.same_subtree and not _same_subtree_ok(
                tree, mappings, request.same_subtree):
            continue
        if not request.nested_aware and len(merged) > 1:
            continue
        key = (tuple(sorted((rp, tuple(sorted(res.items())))
                            for rp, res in merged.items())),
               tuple(sorted((s, tuple(v)) for s, v in mappings.items())))
        if key in seen:
            continue
        seen.add(key)
        out.append(Candidate(merged, mappings, tree.root))
        if budget is not None and len(out) >= budget:
            break
    return out


def _nested_candidates(conn, request, budget):
    exists = conn.execute(sa.select(RP.c.id).where(
        RP.c.parent_provider_id.is_not(None)).limit(1)).first()
    if exists is None:
        return []
    loaded = _load_nested(conn, request)
    if loaded is None:
        return []
    trees, free, traits, aggs = loaded
    roots = sorted(trees)
    if request.randomize:
        random.shuffle(roots)
    out = []
    for root in roots:
        remaining = None if budget is None else budget - len(out)
        if remaining is not None and remaining <= 0:
            break
        out.extend(_tree_candidates(request, trees[root], free, traits,
                                    aggs, None if request.randomize
                                    else remaining))
    return out


def find(conn, request):
    """The candidates of ``request`` (at most ``request.limit``)."""
    found = _flat_candidates(conn, request)
    budget = None
    if request.limit is not None and not request.randomize:
        budget = request.limit - len(found)
    if budget is None or budget > 0:
        found.extend(_nested_candidates(conn, request, budget))
    if request.randomize:
        random.shuffle(found)
    if request.limit is not None:
        found = found[:request.limit]
    return found


# -- provider summaries -------------------------------------------------------

def summaries(conn, candidates, rc_ids=None, with_traits=True,
              whole_trees=True):
    """Rows describing the providers of ``candidates``.

    Returns (providers {id: (uuid, parent_uuid, root_uuid)},
    inventories {id: [(rc_id, capacity, used)]}, traits {id: [trait_id]}).
    """
    rps = {}
    ids = set()
    multi = set()
    for cand in candidates:
        if cand.root_uuid is not None:
            rps[cand.root] = (cand.root_uuid, None, cand.root_uuid)
            continue
        ids.update(cand.allocations)
        for members in cand.mappings.values():
            ids.update(members)
        multi.add(cand.root)
    ids.difference_update(rps)
    parent = RP.alias('parent_rp')
    root = RP.alias('root_rp')
    base = sa.select(RP.c.id, RP.c.uuid, parent.c.uuid, root.c.uuid
                     ).select_from(
        RP.outerjoin(parent, parent.c.id == RP.c.parent_provider_id)
        .join(root, root.c.id == RP.c.root_provider_id))
    for chunk in _chunks(sorted(ids)):
        for row in conn.execute(base.where(RP.c.id.in_(chunk))):
            rps[row[0]] = row[1:]
    if whole_trees:
        for chunk in _chunks(sorted(multi)):
            for row in conn.execute(base.where(
                    RP.c.root_provider_id.in_(chunk))):
                rps[row[0]] = row[1:]
    inventories = {}
    traits = {}
    for chunk in _chunks(sorted(rps)):
        query = sa.select(INV.c.resource_provider_id,
                          INV.c.resource_class_id, INV.c.total,
                          INV.c.reserved, INV.c.allocation_ratio).where(
            INV.c.resource_provider_id.in_(chunk))
        used_query = sa.select(
            ALLOC.c.resource_provider_id, ALLOC.c.resource_class_id,
            sa.func.sum(ALLOC.c.used)).where(
            ALLOC.c.resource_provider_id.in_(chunk)).group_by(
            ALLOC.c.resource_provider_id, ALLOC.c.resource_class_id)
        if rc_ids is not None:
            query = query.where(INV.c.resource_class_id.in_(sorted(rc_ids)))
        used = {(rp, rc): int(n) for rp, rc, n in conn.execute(used_query)}
        for rp, rc, total, reserved, ratio in conn.execute(query):
            inventories.setdefault(rp, []).append(
                (rc, int((total - reserved) * ratio), used.get((rp, rc), 0)))
        if with_traits:
            tbl = models.RP_TRAIT
            for rp, trait in conn.execute(
                    sa.select(tbl.c.resource_provider_id, tbl.c.trait_id)
                    .where(tbl.c.resource_provider_id.in_(chunk))):
                traits.setdefault(rp, []).append(trait)
    return rps, inventories, traits


def _chunks(values, size=900):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]
