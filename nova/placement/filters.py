"""Query-string filters shared by GET /resource_providers and
GET /allocation_candidates: ``resources``, ``required`` (traits),
``member_of`` (aggregates) and ``in_tree``, parsed into plain values and
turned into set-based SQL conditions on a provider id column.
"""

import re

import sqlalchemy as sa

from nova.placement.db import models
from nova.placement import errors
from nova.placement import microversion as mv
from nova.placement import names
from nova.placement import util

_RESOURCE_RE = re.compile(r'^([A-Z0-9_]+):([0-9]+)$')


class TraitFilter:
    """Traits a provider (or a set of providers) must have and must not.

    ``any_of`` is a list of sets of trait ids: each set needs at least one
    of its traits present (a plain required trait is a set of one).
    """

    def __init__(self, any_of=(), forbidden=()):
        self.any_of = [frozenset(s) for s in any_of]
        self.forbidden = frozenset(forbidden)

    def __bool__(self):
        return bool(self.any_of or self.forbidden)

    def all_ids(self):
        ids = set(self.forbidden)
        for group in self.any_of:
            ids |= group
        return ids

    def merged(self, other):
        return TraitFilter(self.any_of + other.any_of,
                           self.forbidden | other.forbidden)

    def matches(self, traits):
        if self.forbidden & traits:
            return False
        return all(group & traits for group in self.any_of)


class AggregateFilter:
    """``any_of``: list of sets of aggregate ids, the provider must be in
    at least one of each; ``forbidden``: aggregates it must not be in.
    ``impossible`` marks a filter naming only unknown aggregates."""

    def __init__(self, any_of=(), forbidden=(), impossible=False):
        self.any_of = [frozenset(s) for s in any_of]
        self.forbidden = frozenset(forbidden)
        self.impossible = impossible

    def __bool__(self):
        return bool(self.any_of or self.forbidden or self.impossible)

    def merged(self, other):
        return AggregateFilter(self.any_of + other.any_of,
                               self.forbidden | other.forbidden,
                               self.impossible or other.impossible)

    def matches(self, aggs):
        if self.impossible or self.forbidden & aggs:
            return False
        return all(group & aggs for group in self.any_of)


def parse_resources(value, allow_empty=False):
    """``VCPU:1,MEMORY_MB:512`` -> {'VCPU': 1, 'MEMORY_MB': 512}."""
    result = {}
    if not value.strip():
        if allow_empty:
            return result
        raise _bad_resources(value)
    for item in value.split(','):
        match = _RESOURCE_RE.match(item.strip())
        if not match:
            raise _bad_resources(value)
        name, amount = match.group(1), int(match.group(2))
        if name in result:
            raise errors.BadRequest(
                'Badly formed resources parameter. Resource class %s '
                'appears more than once.' % name,
                code=errors.QUERY_BAD_VALUE)
        if amount < 1:
            raise errors.BadRequest(
                'Requested resource %s expected positive integer amount. '
                'Got: %s.' % (name, amount), code=errors.QUERY_BAD_VALUE)
        result[name] = amount
    return result


def _bad_resources(value):
    return errors.BadRequest(
        'Badly formed resources parameter. Expected resources query '
        'string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. '
        'Got: %s.' % value, code=errors.QUERY_BAD_VALUE)


def resource_ids(db, conn, resources):
    """{rc_id: amount} for {name: amount}; unknown classes are a 400."""
    out = {}
    for name, amount in resources.items():
        rc = names.rc_id(db, conn, name, required=False)
        if rc is None:
            raise errors.BadRequest(
                'Invalid resource class in resources parameter: %s' % name,
                code=errors.QUERY_BAD_VALUE)
        out[rc] = amount
    return out


def parse_required(req, values, db, conn, param='required'):
    """TraitFilter from one or more ``required`` values."""
    allow_forbidden = mv.at_least(req, '1.22')
    allow_in = mv.at_least(req, '1.39')
    any_of = []
    forbidden = set()
    wanted = set()
    for value in values:
        if allow_in and value.startswith('in:'):
            group = [t.strip() for t in value[3:].split(',')]
            if not all(group) or any(t.startswith('!') for t in group):
                raise errors.BadRequest(
                    'Invalid query string parameters: Expected %r to be a '
                    'list of trait names after "in:". Got: %s'
                    % (param, value), code=errors.QUERY_BAD_VALUE)
            any_of.append(group)
            wanted.update(group)
            continue
        items = [t.strip() for t in value.split(',')]
        if not all(items):
            raise errors.BadRequest(
                'Invalid query string parameters: Expected %r parameter '
                'value of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC. Got: %s'
                % (param, value), code=errors.QUERY_BAD_VALUE)
        for item in items:
            if item.startswith('!') and allow_forbidden:
                forbidden.add(item[1:])
                wanted.add(item[1:])
            else:
                any_of.append([item])
                wanted.add(item)
    both = set(t for g in any_of if len(g) == 1 for t in g) & forbidden
    if both:
        raise errors.BadRequest(
            'Conflicting required and forbidden traits found in the '
            'following traits keys: %s' % ', '.join(sorted(both)),
            code=errors.QUERY_BAD_VALUE)
    ids = names.trait_ids(db, conn, wanted)
    return TraitFilter([set(ids[t] for t in g) for g in any_of],
                       set(ids[t] for t in forbidden))


def _bad_member_of(value):
    return errors.BadRequest(
        "Invalid query string parameters: Expected 'member_of' parameter "
        "to contain valid UUID(s). Got: %s" % value,
        code=errors.QUERY_BAD_VALUE)


def parse_member_of(req, values, conn):
    """AggregateFilter from the ``member_of`` values of a request."""
    if len(values) > 1 and not mv.at_least(req, '1.24'):
        raise errors.BadRequest(
            'Query parameter %r may be given only once.' % 'member_of',
            code=errors.QUERY_DUPLICATE_KEY)
    allow_forbidden = mv.at_least(req, '1.32')
    groups = []
    forbidden = []
    for value in values:
        text = value
        negate = allow_forbidden and text.startswith('!')
        if negate:
            text = text[1:]
        if text.startswith('in:'):
            items = text[3:].split(',')
        elif ',' in text:
            raise _bad_member_of(value)
        else:
            items = [text]
        uuids = []
        for item in items:
            norm = util.normalize_uuid(item.strip())
            if norm is None:
                raise _bad_member_of(value)
            uuids.append(norm)
        if negate:
            forbidden.extend(uuids)
        else:
            groups.append(uuids)
    wanted = set(forbidden)
    for group in groups:
        wanted.update(group)
    ids = {}
    if wanted:
        ids = dict(conn.execute(
            sa.select(models.AGG.c.uuid, models.AGG.c.id).where(
                models.AGG.c.uuid.in_(sorted(wanted)))).all())
    any_of = []
    impossible = False
    for group in groups:
        known = set(ids[u] for u in group if u in ids)
        if not known:
            impossible = True
        any_of.append(known)
    return AggregateFilter(any_of, set(ids[u] for u in forbidden if u in ids),
                           impossible)


def trait_conditions(id_col, trait_filter):
    conds = []
    tbl = models.RP_TRAIT
    for group in trait_filter.any_of:
        conds.append(id_col.in_(
            sa.select(tbl.c.resource_provider_id).where(
                tbl.c.trait_id.in_(sorted(group)))))
    if trait_filter.forbidden:
        conds.append(id_col.not_in(
            sa.select(tbl.c.resource_provider_id).where(
                tbl.c.trait_id.in_(sorted(trait_filter.forbidden)))))
    return conds


def aggregate_conditions(id_col, agg_filter):
    if agg_filter.impossible:
        return [sa.false()]
    conds = []
    tbl = models.RP_AGG
    for group in agg_filter.any_of:
        conds.append(id_col.in_(
            sa.select(tbl.c.resource_provider_id).where(
                tbl.c.aggregate_id.in_(sorted(group)))))
    if agg_filter.forbidden:
        conds.append(id_col.not_in(
            sa.select(tbl.c.resource_provider_id).where(
                tbl.c.aggregate_id.in_(sorted(agg_filter.forbidden)))))
    return conds


def usage_of(inv):
    """Correlated sum of the allocations against inventory row ``inv``."""
    alloc = models.ALLOC
    return sa.select(sa.func.coalesce(sa.func.sum(alloc.c.used), 0)).where(
        alloc.c.resource_provider_id == inv.c.resource_provider_id,
        alloc.c.resource_class_id == inv.c.resource_class_id,
    ).scalar_subquery()


def capacity_conditions(inv, rc_id, amount):
    """``inv`` (an inventories alias) is of class ``rc_id`` and can take
    ``amount`` more units within its unit limits."""
    return [
        inv.c.resource_class_id == rc_id,
        (inv.c.total - inv.c.reserved) * inv.c.allocation_ratio >=
        usage_of(inv) + amount,
        inv.c.min_unit <= amount,
        inv.c.max_unit >= amount,
        sa.literal(amount) % inv.c.step_size == 0,
    ]


def resources_conditions(id_col, resources):
    """Provider ``id_col`` has capacity for each {rc_id: amount}."""
    conds = []
    for rc_id, amount in resources.items():
        inv = models.INV.alias()
        conds.append(id_col.in_(
            sa.select(inv.c.resource_provider_id).where(
                *capacity_conditions(inv, rc_id, amount))))
    return conds
