"""Host filters: the yes/no questions the scheduler asks about each host.

A filter is a small class answering one question in ``host_passes``. The
scheduler finds filters by name through the ``nova.scheduler.filters``
entry-point group, so an operator adds one by installing a package that
registers it there and listing its name in ``[filter_scheduler]
enabled_filters``; nothing in nova lists them.

Filters run over every candidate host of every request, so a filter whose
answer depends on request data should work that data out once per request:
override ``filter_all`` (see the filters of this package), not
``host_passes``.
"""

import importlib.metadata
import threading

from oslo_log import log as logging

from nova import exception

LOG = logging.getLogger(__name__)

ENTRY_POINT_GROUP = 'nova.scheduler.filters'


class SchedulerHostFilterNotFound(exception.NotFound):
    msg_fmt = ('Scheduler host filter %(filter_name)s could not be found: no '
               'entry point of that name in the nova.scheduler.filters '
               'group.')


def request_is_rebuild(spec_obj):
    """A rebuild to a new image on the same host asks the scheduler only
    whether the image suits the host; most filters then stand aside."""
    if not spec_obj.obj_attr_is_set('scheduler_hints'):
        return False
    check = (spec_obj.scheduler_hints or {}).get('_nova_check_type')
    return check == ['rebuild'] or check == 'rebuild'


class BaseHostFilter:
    """One question asked of each host for a request."""

    # Whether the filter still runs when a rebuild asks if the new image
    # may stay on the instance's host.
    RUN_ON_REBUILD = False

    # True when the answer cannot change between the instances of one
    # multi-instance request (it does not depend on what earlier picks
    # consumed), so it runs for the first instance only.
    run_filter_once_per_request = False

    def run_filter_for_index(self, index):
        """Whether to run for the index-th instance of a request."""
        return not (self.run_filter_once_per_request and index > 0)

    def host_passes(self, host_state, spec_obj):
        """True when the host may take the request."""
        raise NotImplementedError()

    def filter_all(self, host_states, spec_obj):
        """The hosts of ``host_states`` that pass, as a list."""
        passes = self.host_passes
        return [hs for hs in host_states if passes(hs, spec_obj)]

    def __repr__(self):
        return self.__class__.__name__


class HostFilterHandler:
    """Runs filters one after another over a shrinking list of hosts."""

    def get_filtered_objects(self, filters, hosts, spec_obj, index=0,
                             report=None):
        """The hosts that pass every filter, in their original order.

        ``report``, when a list, receives one ``(filter_name, hosts_in,
        hosts_out)`` tuple (host counts) per filter that ran. Filtering stops
        at the first filter that leaves no host.
        """
        hosts = list(hosts)
        rebuild = request_is_rebuild(spec_obj)
        summary = []
        for host_filter in filters:
            if not host_filter.run_filter_for_index(index):
                continue
            if rebuild and not host_filter.RUN_ON_REBUILD:
                continue
            name = host_filter.__class__.__name__
            before = len(hosts)
            hosts = host_filter.filter_all(hosts, spec_obj)
            hosts = [] if hosts is None else list(hosts)
            after = len(hosts)
            summary.append((name, before, after))
            if report is not None:
                report.append((name, before, after))
            LOG.debug('Filter %s returned %d of %d host(s)', name, after,
                      before)
            if not hosts:
                LOG.info('Filtering removed all hosts for the request with '
                         'instance ID %(uuid)s. Filter results: %(results)s',
                         {'uuid': _instance_uuid(spec_obj),
                          'results': ', '.join(
                              '%s: (start: %d, end: %d)' % item
                              for item in summary)})
                break
        return hosts


def _instance_uuid(spec_obj):
    if spec_obj.obj_attr_is_set('instance_uuid'):
        return spec_obj.instance_uuid
    return None


_classes = {}
_classes_lock = threading.Lock()


def _entry_points(group):
    return importlib.metadata.entry_points(group=group)


def load_class(group, name, not_found):
    """The class registered as ``name`` in entry-point group ``group``.

    Found classes are remembered; a name not seen before makes a fresh scan
    of the installed distributions, so one installed while the process runs
    is found too.
    """
    key = (group, name)
    cls = _classes.get(key)
    if cls is not None:
        return cls
    with _classes_lock:
        matches = [ep for ep in _entry_points(group) if ep.name == name]
        if not matches:
            raise not_found
        cls = matches[0].load()
        _classes[key] = cls
        return cls


def load_all_classes(group):
    """Every class of entry-point group ``group``, by name order."""
    with _classes_lock:
        eps = sorted(_entry_points(group), key=lambda ep: ep.name)
        seen = set()
        classes = []
        for ep in eps:
            if ep.name in seen:
                continue
            seen.add(ep.name)
            cls = _classes.get((group, ep.name)) or ep.load()
            _classes[(group, ep.name)] = cls
            classes.append(cls)
        return classes


def clear_cache():
    """Forget the classes found so far (tests, or after an upgrade)."""
    with _classes_lock:
        _classes.clear()


def load_filters(names):
    """Instances of the filters registered under ``names``, in order."""
    return [load_class(ENTRY_POINT_GROUP, name,
                       SchedulerHostFilterNotFound(filter_name=name))()
            for name in names]


def all_filters():
    """Every registered filter class."""
    return load_all_classes(ENTRY_POINT_GROUP)
