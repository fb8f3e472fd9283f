"""os-instance_usage_audit_log (admin): the state of the instance usage
audit of each compute host for an audit period.

The audit runs as a periodic task of the compute hosts where it is
enabled; none of this deployment's computes records audit runs, so every
compute host is reported as not run for the period. The period is the
last whole month before now, or before the time given in
/os-instance_usage_audit_log/{before} ("YYYY-MM-DD HH:MM:SS[.ffffff]";
400 otherwise).
"""

import datetime

import pecan
import webob.exc

from nova.api import common
from nova import objects
from nova.policies import instance_usage_audit_log as policies

_FORMAT = '%Y-%m-%d %H:%M:%S'


def _parse(value):
    for fmt in (_FORMAT, _FORMAT + '.%f'):
        try:
            return datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise webob.exc.HTTPBadRequest(
        explanation='Invalid timestamp for date %s' % value)


def _period(before):
    """(beginning, ending) of the last whole month before ``before``."""
    ending = before.replace(day=1, hour=0, minute=0, second=0,
                            microsecond=0)
    beginning = (ending - datetime.timedelta(days=1)).replace(day=1)
    return beginning, ending


def _report(req, before):
    ctx = common.context(req)
    hosts = sorted({svc.host for svc in objects.ServiceList.get_all(ctx)
                    if svc.binary == 'nova-compute'})
    beginning, ending = _period(before)
    return {
        'hosts_not_run': hosts,
        'log': {},
        'num_hosts': len(hosts),
        'num_hosts_done': 0,
        'num_hosts_not_run': len(hosts),
        'num_hosts_running': 0,
        'overall_status': '0 of %d hosts done. 0 errors.' % len(hosts),
        'period_beginning': beginning.strftime(_FORMAT),
        'period_ending': ending.strftime(_FORMAT),
        'total_errors': 0,
        'total_instances': 0,
    }


class AuditLogController:

    def __init__(self, before):
        self.before = before

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        common.authorize(req, policies.SHOW)
        return {'instance_usage_audit_log': _report(req,
                                                    _parse(self.before))}


class InstanceUsageAuditLogController:

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        common.authorize(req, policies.LIST)
        return {'instance_usage_audit_logs': _report(
            req, datetime.datetime.utcnow())}

    @pecan.expose()
    def _lookup(self, before, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return AuditLogController(before), remainder
