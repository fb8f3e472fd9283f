"""Host weighers: how the scheduler orders the hosts left after filtering.

A weigher gives each host one number (``_weigh_object``). The handler
scales each weigher's numbers to 0..1 over the hosts being weighed (the
lowest becomes 0, the highest 1; all equal gives 0), multiplies them by the
weigher's multiplier and adds the results up: the highest total wins.

A multiplier comes from a config option and may be overridden per host by
the metadata key of the same name on the host's aggregates (the smallest
value when several aggregates set it). Weighers are found by name through
the ``nova.scheduler.weights`` entry-point group.
"""

import operator

from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.scheduler import filters
from nova.scheduler.filters import utils

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

ENTRY_POINT_GROUP = 'nova.scheduler.weights'
ALL = 'all'
# Upstream's spelling of "every weigher", accepted for old configs.
_ALL_ALIASES = (ALL, 'nova.scheduler.weights.all_weighers')


class SchedulerWeigherNotFound(exception.NotFound):
    msg_fmt = ('Scheduler weigher %(weigher_name)s could not be found: no '
               'entry point of that name in the nova.scheduler.weights '
               'group.')


class WeighedHost:
    """A host state and its total weight."""

    __slots__ = ('obj', 'weight')

    def __init__(self, obj, weight):
        self.obj = obj
        self.weight = weight

    def __repr__(self):
        return 'WeighedHost [host: %r, weight: %s]' % (self.obj, self.weight)

    def to_dict(self):
        return {'weight': self.weight, 'host': self.obj.host,
                'nodename': self.obj.nodename}


class BaseHostWeigher:
    """One number per host; more is better once multiplied."""

    # Bounds the normalization always includes (e.g. 0 for free resources,
    # so that scores are relative to "nothing free"). None: the data's own
    # minimum / maximum.
    minval = None
    maxval = None

    # [filter_scheduler] option holding the multiplier; also the aggregate
    # metadata key that overrides it.
    multiplier_option = None
    # The aggregate metadata key, when not multiplier_option.
    multiplier_key = None
    # -1 for weighers whose number counts against a host.
    multiplier_sign = 1.0

    def _config_multiplier(self):
        if self.multiplier_option is None:
            return 1.0
        return getattr(CONF.filter_scheduler, self.multiplier_option)

    def _aggregate_key(self):
        return self.multiplier_key or self.multiplier_option

    def weight_multiplier(self, host_state):
        """The multiplier for this host."""
        value = self._config_multiplier()
        key = self._aggregate_key()
        if key is not None and host_state.aggregates:
            value = utils.aggregate_number(host_state, key, value,
                                           cast_to=float)
        return self.multiplier_sign * value

    def _weigh_object(self, host_state, spec_obj):
        """The raw weight of one host."""
        raise NotImplementedError()

    def weigh_objects(self, weighed_hosts, spec_obj):
        """Raw weights of ``weighed_hosts`` (WeighedHost list), in order;
        None when the weigher has nothing to say for this request (as if
        every host weighed the same)."""
        weigh = self._weigh_object
        return [weigh(w.obj, spec_obj) for w in weighed_hosts]

    def __repr__(self):
        return self.__class__.__name__


def normalize(weights, minval=None, maxval=None):
    """``weights`` scaled to 0..1 between their minimum and maximum (or
    the given bounds, widened by the data); all zeros when they are
    equal."""
    if not weights:
        return []
    low = min(weights) if minval is None else min(minval, min(weights))
    high = max(weights) if maxval is None else max(maxval, max(weights))
    if low == high:
        return [0.0] * len(weights)
    span = float(high - low)
    return [(w - low) / span for w in weights]


class _AggregateOverrides:
    """Multiplier overrides from the aggregates of the hosts being weighed,
    read once per weighing instead of once per host and weigher."""

    _BAD = object()

    def __init__(self, weighed):
        self.hosts = [i for i, w in enumerate(weighed) if w.obj.aggregates]
        aggregates = {}
        for i in self.hosts:
            for agg in weighed[i].obj.aggregates:
                aggregates[id(agg)] = agg
        self.aggregates = list(aggregates.values())

    def values_for(self, key):
        """aggregate id -> float value (or _BAD) for aggregates with key."""
        found = {}
        for agg in self.aggregates:
            metadata = agg.metadata or {}
            if key in metadata:
                try:
                    found[id(agg)] = float(metadata[key])
                except (TypeError, ValueError):
                    found[id(agg)] = self._BAD
        return found

    def multiplier(self, host_state, values, default):
        """The smallest override of the host's aggregates, else default
        (also when one of them is malformed, as utils.aggregate_number)."""
        mine = [values[id(agg)] for agg in host_state.aggregates
                if id(agg) in values]
        if not mine:
            return default
        if self._BAD in mine:
            LOG.warning('Malformed weight multiplier in the aggregates of '
                        'host %s; using %s.', host_state.host, default)
            return default
        return min(mine)


class WeightHandler:
    """Weighs hosts with a list of weighers."""

    def get_weighed_objects(self, weighers, hosts, spec_obj):
        """WeighedHost for each host, best (highest weight) first; hosts
        of equal weight keep their order."""
        weighed = [WeighedHost(hs, 0.0) for hs in hosts]
        if not weighed or not weighers:
            return weighed
        totals = [0.0] * len(weighed)
        overrides = None
        for weigher in weighers:
            raw = weigher.weigh_objects(weighed, spec_obj)
            if not raw:
                continue
            low, high = min(raw), max(raw)
            if weigher.minval is not None and weigher.minval < low:
                low = weigher.minval
            if weigher.maxval is not None and weigher.maxval > high:
                high = weigher.maxval
            if low == high:
                continue  # every host scores 0
            span = float(high - low)
            if type(weigher).weight_multiplier is not \
                    BaseHostWeigher.weight_multiplier:
                # The weigher decides its multiplier per host itself.
                multiply = weigher.weight_multiplier
                totals = [t + multiply(w.obj) * ((r - low) / span)
                          for t, r, w in zip(totals, raw, weighed)]
                continue
            # Common case: one multiplier from config for every host, then
            # corrections for hosts whose aggregates override it.
            config = weigher._config_multiplier()
            sign = weigher.multiplier_sign
            if config:
                scale = sign * config / span
                totals = [t + (r - low) * scale
                          for t, r in zip(totals, raw)]
            key = weigher._aggregate_key()
            if key is None:
                continue
            if overrides is None:
                overrides = _AggregateOverrides(weighed)
            if not overrides.aggregates:
                continue
            values = overrides.values_for(key)
            if not values:
                continue
            for i in overrides.hosts:
                multiplier = overrides.multiplier(weighed[i].obj, values,
                                                  config)
                if multiplier != config:
                    totals[i] += sign * (multiplier - config) * (
                        (raw[i] - low) / span)
        for w, total in zip(weighed, totals):
            w.weight = total
        weighed.sort(key=operator.attrgetter('weight'), reverse=True)
        return weighed


def _load_one(name):
    not_found = SchedulerWeigherNotFound(weigher_name=name)
    try:
        return filters.load_class(ENTRY_POINT_GROUP, name, not_found)
    except SchedulerWeigherNotFound:
        if '.' not in name:
            raise
        # Upstream configs name classes by path
        # (nova.scheduler.weights.ram.RAMWeigher).
        return filters.load_class(ENTRY_POINT_GROUP, name.rsplit('.', 1)[1],
                                  not_found)


def all_weighers():
    """Every registered weigher class."""
    return filters.load_all_classes(ENTRY_POINT_GROUP)


def load_weighers(names):
    """Instances of the weighers registered under ``names`` ('all': every
    registered weigher), each once, in order."""
    classes = []
    for name in names:
        if name in _ALL_ALIASES:
            found = all_weighers()
        else:
            found = [_load_one(name)]
        classes.extend(cls for cls in found if cls not in classes)
    return [cls() for cls in classes]
