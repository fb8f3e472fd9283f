"""Helpers shared by filters and weighers: reading host aggregate metadata.

Aggregate metadata lets an operator tune scheduling per group of hosts
(tenants allowed, instance caps, weight multipliers...). When a host is in
several aggregates setting the same key, the helpers here say how the values
combine.
"""

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


def aggregate_values_from_key(host_state, key_name):
    """The set of values that the host's aggregates give ``key_name``."""
    return {agg.metadata[key_name] for agg in host_state.aggregates
            if key_name in (agg.metadata or {})}


def aggregate_metadata_get_by_host(host_state, key=None):
    """Metadata of the host's aggregates as key -> set of values.

    Values are split on commas (a key can list several values). With
    ``key``, only aggregates holding that key contribute.
    """
    metadata = {}
    for agg in host_state.aggregates:
        agg_meta = agg.metadata or {}
        if key is not None and key not in agg_meta:
            continue
        for k, v in agg_meta.items():
            values = metadata.setdefault(k, set())
            values.update(part.strip() for part in str(v).split(','))
    return metadata


def validate_num_values(values, default=None, cast_to=int, based_on=min):
    """One number out of the aggregate values of a key: ``default`` when
    there is none, else ``based_on`` (the smallest by default) of them
    converted with ``cast_to``. Raises ValueError on a non-number."""
    if not values:
        return default
    if len(values) > 1:
        LOG.info('%(num)d values found, of which the %(how)s will be used.',
                 {'num': len(values),
                  'how': 'minimum' if based_on is min else based_on.__name__})
    return based_on(cast_to(v) for v in values)


_ABSENT = object()
_BAD = object()


def aggregate_number(host_state, key, default, cast_to=int, cache=None):
    """The value of numeric aggregate metadata ``key`` for the host (the
    smallest if several aggregates set it), else ``default``; a malformed
    value is logged and ignored.

    ``cache``, a dict kept for one pass over many hosts, remembers each
    aggregate's parsed value, as hosts share aggregates.
    """
    if not host_state.aggregates:
        return default
    if cache is not None:
        found = []
        for agg in host_state.aggregates:
            value = cache.get(id(agg), _ABSENT)
            if value is _ABSENT:
                raw = (agg.metadata or {}).get(key)
                if raw is None:
                    value = None
                else:
                    try:
                        value = cast_to(raw)
                    except (TypeError, ValueError):
                        value = _BAD
                cache[id(agg)] = value
            if value is not None:
                found.append(value)
        if not found:
            return default
        if _BAD not in found:
            return min(found)
    values = aggregate_values_from_key(host_state, key)
    if not values:
        return default
    try:
        return validate_num_values(values, default, cast_to=cast_to)
    except ValueError as error:
        LOG.warning('Could not decode %(key)s of the aggregates of host '
                    '%(host)s: %(error)s; using %(default)s.',
                    {'key': key, 'host': host_state.host, 'error': error,
                     'default': default})
        return default


def instance_uuids_overlap(host_state, uuids):
    """Whether any of the instances ``uuids`` is on the host."""
    if isinstance(uuids, str):
        uuids = [uuids]
    instances = host_state.instances
    return any(uuid in instances for uuid in uuids)
