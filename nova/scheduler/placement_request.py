"""Turn a RequestSpec into a GET /allocation_candidates query.

What goes in:
- the flavor's size: VCPU, MEMORY_MB and DISK_GB (root + ephemeral +
  swap rounded up to GiB), in the unnumbered request group;
- flavor extra specs ``resources[N]:<CLASS>=<amount>`` (an amount of 0
  drops a class the flavor size would add), ``trait[N]:<TRAIT>=required``
  or ``forbidden``, and ``group_policy``;
- image properties ``trait:<TRAIT>=required`` (unnumbered group);
- pre-filters (PREFILTERS, over the scheduler's cached aggregates): the
  hosts of the requested availability zone's aggregates, the aggregates a
  project is limited to.

The result also describes itself in words, for the NoValidHost message.
"""

import math
import re
import urllib.parse

import nova.conf
from nova import exception

CONF = nova.conf.CONF

_RESOURCE_KEY = re.compile(r'^resources([1-9][0-9]*|_[a-zA-Z0-9_-]+)?:'
                           r'([A-Z0-9_]+)$')
_TRAIT_KEY = re.compile(r'^trait([1-9][0-9]*|_[a-zA-Z0-9_-]+)?:'
                        r'([A-Z0-9_]+)$')


class RequestGroup:

    def __init__(self, suffix=''):
        self.suffix = suffix
        self.resources = {}
        self.required = set()
        self.forbidden = set()
        # Each entry is a list of aggregate uuids the provider must be in
        # (any of them).
        self.member_of = []

    def params(self):
        out = []
        if self.resources:
            out.append(('resources' + self.suffix, ','.join(
                '%s:%d' % (rc, amount)
                for rc, amount in sorted(self.resources.items()))))
        traits = sorted(self.required) + ['!' + t for t in
                                          sorted(self.forbidden)]
        if traits:
            out.append(('required' + self.suffix, ','.join(traits)))
        for aggs in self.member_of:
            out.append(('member_of' + self.suffix,
                        'in:' + ','.join(sorted(aggs))))
        return out


class ResourceRequest:
    """The groups of one request and how to ask placement for them."""

    def __init__(self):
        self.groups = {'': RequestGroup()}
        self.group_policy = None
        self.limit = CONF.scheduler.max_placement_results
        # Words for the NoValidHost message, e.g. "availability zone az1".
        self.prefilter_notes = []

    def group(self, suffix):
        if suffix not in self.groups:
            self.groups[suffix] = RequestGroup(suffix)
        return self.groups[suffix]

    @property
    def unnumbered(self):
        return self.groups['']

    def query(self):
        params = []
        for suffix in sorted(self.groups):
            params.extend(self.groups[suffix].params())
        numbered = [g for s, g in self.groups.items() if s and g.resources]
        if numbered:
            params.append(('group_policy', self.group_policy or 'none'))
        params.append(('limit', str(self.limit)))
        return urllib.parse.urlencode(params, safe=':,!')

    def resources_param(self):
        """All resources of all groups as one 'CLASS:N,...' string."""
        total = {}
        for group in self.groups.values():
            for rc, amount in group.resources.items():
                total[rc] = total.get(rc, 0) + amount
        return ','.join('%s:%d' % (rc, n) for rc, n in sorted(total.items()))

    def describe(self):
        parts = []
        for suffix in sorted(self.groups):
            group = self.groups[suffix]
            label = 'group %s: ' % suffix if suffix else ''
            text = ', '.join('%s=%d' % (rc, n)
                             for rc, n in sorted(group.resources.items()))
            if group.required:
                text += '; required traits %s' % ', '.join(
                    sorted(group.required))
            if group.forbidden:
                text += '; forbidden traits %s' % ', '.join(
                    sorted(group.forbidden))
            parts.append(label + text)
        text = ' / '.join(parts)
        if self.prefilter_notes:
            text += '; limited to ' + '; '.join(self.prefilter_notes)
        return text

    @property
    def has_traits(self):
        return any(g.required or g.forbidden for g in self.groups.values())


def _flavor_disk_gb(flavor):
    swap_gb = int(math.ceil((flavor.swap or 0) / 1024.0))
    return (flavor.root_gb or 0) + (flavor.ephemeral_gb or 0) + swap_gb


def _set_trait(group, trait, value, source):
    value = (value or '').strip().lower()
    if value == 'required':
        group.required.add(trait)
        group.forbidden.discard(trait)
    elif value == 'forbidden':
        group.forbidden.add(trait)
        group.required.discard(trait)
    else:
        raise exception.Invalid(
            reason='%s trait:%s has value %r; it must be "required" or '
                   '"forbidden"' % (source, trait, value))


def from_spec(spec_obj):
    """The ResourceRequest of ``spec_obj`` (flavor, image, extra specs)."""
    request = ResourceRequest()
    flavor = spec_obj.flavor
    base = request.unnumbered
    for rc, amount in (('VCPU', flavor.vcpus),
                       ('MEMORY_MB', flavor.memory_mb),
                       ('DISK_GB', _flavor_disk_gb(flavor))):
        if amount:
            base.resources[rc] = int(amount)
    extra_specs = flavor.extra_specs if flavor.obj_attr_is_set(
        'extra_specs') else {}
    for key, value in sorted((extra_specs or {}).items()):
        match = _RESOURCE_KEY.match(key)
        if match:
            group = request.group(match.group(1) or '')
            try:
                amount = int(value)
            except ValueError:
                raise exception.Invalid(
                    reason='flavor extra spec %s=%r is not a whole number'
                           % (key, value))
            if amount < 0:
                raise exception.Invalid(
                    reason='flavor extra spec %s=%r is negative' %
                           (key, value))
            if amount == 0:
                group.resources.pop(match.group(2), None)
            else:
                group.resources[match.group(2)] = amount
            continue
        match = _TRAIT_KEY.match(key)
        if match:
            _set_trait(request.group(match.group(1) or ''), match.group(2),
                       value, 'flavor extra spec')
            continue
        if key == 'group_policy':
            request.group_policy = value
    image = spec_obj.image if spec_obj.obj_attr_is_set('image') else None
    if image is not None and image.obj_attr_is_set('properties'):
        for key, value in sorted((image.properties or {}).items()):
            match = _TRAIT_KEY.match(key)
            if match and not match.group(1):
                _set_trait(base, match.group(2), value, 'image property')
    # Groups that only carried traits cannot stand alone in placement.
    for suffix in [s for s, g in request.groups.items()
                   if s and not g.resources]:
        orphan = request.groups.pop(suffix)
        base.required |= orphan.required
        base.forbidden |= orphan.forbidden
    return request


# ----------------------------------------------------------------------
# Pre-filters: narrow the placement query with aggregates
# ----------------------------------------------------------------------
def _availability_zone_filter(spec_obj, request, aggregates):
    if not CONF.scheduler.query_placement_for_availability_zone:
        return
    zone = spec_obj.availability_zone if spec_obj.obj_attr_is_set(
        'availability_zone') else None
    if not zone:
        return
    aggregates = [a for a in aggregates if a.availability_zone == zone]
    if not aggregates:
        # Hosts in no zone-bearing aggregate are in the default zone:
        # AvailabilityZoneFilter decides for them.
        return
    request.unnumbered.member_of.append([a.uuid for a in aggregates])
    request.prefilter_notes.append('hosts of availability zone %s' % zone)


def _names_project(aggregate, project):
    return any(key.startswith('filter_tenant_id') and
               project in [v.strip() for v in (value or '').split(',')]
               for key, value in aggregate.metadata.items())


def _tenant_aggregate_filter(spec_obj, request, aggregates):
    if not CONF.scheduler.limit_tenants_to_placement_aggregate:
        return
    project = spec_obj.project_id
    aggregates = [a for a in aggregates if _names_project(a, project)]
    if aggregates:
        request.unnumbered.member_of.append([a.uuid for a in aggregates])
        request.prefilter_notes.append(
            'aggregates reserved for project %s' % project)
    elif CONF.scheduler.placement_aggregate_required_for_tenants:
        raise exception.NoValidHost(
            reason='Project %s is not assigned to any host aggregate '
                   '(placement_aggregate_required_for_tenants is set).' %
                   project)


PREFILTERS = (_availability_zone_filter, _tenant_aggregate_filter)


def build(spec_obj, aggregates):
    """from_spec() plus every enabled pre-filter, over ``aggregates`` (the
    scheduler's cached list)."""
    request = from_spec(spec_obj)
    for prefilter in PREFILTERS:
        prefilter(spec_obj, request, aggregates)
    return request
