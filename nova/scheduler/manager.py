"""RPC endpoints of nova-scheduler.

A simple scheduler for the foundation: it places each instance on an
enabled, up compute node with enough free VCPU, RAM and disk, preferring
the node with most free RAM so load spreads out. Placement and filter
scheduling replace it in a later step.
"""

import random
import threading

import oslo_messaging as messaging
from oslo_log import log as logging

import nova.conf
from nova import exception
from nova import objects
from nova.scheduler import host_state
from nova import servicegroup

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF


class SchedulerManager:
    target = messaging.Target(version='1.0')

    def __init__(self):
        self._claims = host_state.PendingClaims()
        # One decision at a time: concurrent requests see each other's
        # picks through the pending claims.
        self._lock = threading.Lock()

    def _host_states(self, context):
        states = []
        for cell in objects.CellMappingList.get_all(context):
            if cell.is_cell0 or cell.disabled:
                continue
            cctxt = context.targeted(cell.uuid)
            services = {s.host: s for s in objects.ServiceList.get_by_binary(
                cctxt, 'nova-compute')}
            for node in objects.ComputeNodeList.get_all(cctxt):
                service = services.get(node.host)
                states.append(host_state.HostState(
                    node, cell.uuid,
                    service_up=service is not None and
                    servicegroup.is_up(service),
                    service_disabled=service is None or service.disabled))
        return states

    def select_destinations(self, context, spec_obj, instance_uuids,
                            return_alternates=False):
        flavor = spec_obj.flavor
        wanted = (flavor.vcpus, flavor.memory_mb,
                  flavor.root_gb + flavor.ephemeral_gb)
        with self._lock:
            states = self._host_states(context)
            self._claims.apply(states)
            candidates, reason = self._eligible(states, spec_obj)
            selections = []
            for instance_uuid in instance_uuids:
                fitting = [hs for hs in candidates if hs.fits(*wanted)]
                if not fitting:
                    raise exception.NoValidHost(reason=self._why_none(
                        len(states), len(candidates), reason, flavor,
                        placed=len(selections),
                        total_req=len(instance_uuids)))
                fitting.sort(key=lambda hs: (hs.free_ram_mb,
                                             -hs.num_instances),
                             reverse=True)
                subset = fitting[:CONF.scheduler.host_subset_size]
                chosen = random.choice(subset)
                chosen.consume(*wanted)
                self._claims.add(instance_uuid, chosen.uuid, wanted)
                alternates = []
                if return_alternates:
                    alternates = [hs for hs in fitting if hs is not chosen][
                        :CONF.scheduler.max_attempts - 1]
                selections.append([self._selection(hs)
                                   for hs in [chosen] + alternates])
        for instance_uuid, hosts in zip(instance_uuids, selections):
            LOG.info('Selected host %s (node %s) for instance %s',
                     hosts[0].service_host, hosts[0].nodename,
                     instance_uuid)
        return selections

    @staticmethod
    def _selection(hs):
        return objects.Selection(service_host=hs.host, nodename=hs.nodename,
                                 compute_node_uuid=hs.uuid,
                                 cell_uuid=hs.cell_uuid)

    def _eligible(self, states, spec_obj):
        """Nodes that may take the request at all, and why others may not."""
        counts = {'down': 0, 'disabled': 0, 'zone': 0, 'forced': 0,
                  'ignored': 0}
        zone = spec_obj.availability_zone if spec_obj.obj_attr_is_set(
            'availability_zone') else None
        force_hosts = (spec_obj.force_hosts or []) if \
            spec_obj.obj_attr_is_set('force_hosts') else []
        force_nodes = (spec_obj.force_nodes or []) if \
            spec_obj.obj_attr_is_set('force_nodes') else []
        ignore_hosts = (spec_obj.ignore_hosts or []) if \
            spec_obj.obj_attr_is_set('ignore_hosts') else []
        eligible = []
        for hs in states:
            if not hs.service_up:
                counts['down'] += 1
            elif hs.service_disabled:
                counts['disabled'] += 1
            elif zone and zone != CONF.default_availability_zone:
                counts['zone'] += 1
            elif force_hosts and hs.host not in force_hosts:
                counts['forced'] += 1
            elif force_nodes and hs.nodename not in force_nodes:
                counts['forced'] += 1
            elif hs.host in ignore_hosts:
                counts['ignored'] += 1
            else:
                eligible.append(hs)
        return eligible, counts

    @staticmethod
    def _why_none(total, eligible, counts, flavor, placed, total_req):
        if total == 0:
            return 'There are no compute nodes.'
        parts = ['%d compute node(s) known' % total]
        labels = {'down': 'whose service is down',
                  'disabled': 'whose service is disabled',
                  'zone': 'outside the requested availability zone',
                  'forced': 'not among the requested hosts',
                  'ignored': 'excluded by the request'}
        for key, label in labels.items():
            if counts[key]:
                parts.append('%d %s' % (counts[key], label))
        if eligible:
            parts.append(
                '%d with too little free capacity for flavor %s (%d VCPU, '
                '%d MB RAM, %d GB disk)' % (
                    eligible, flavor.name, flavor.vcpus, flavor.memory_mb,
                    flavor.root_gb + flavor.ephemeral_gb))
        text = '; '.join(parts) + '.'
        if placed:
            text += ' Only %d of the %d requested instances fit.' % (
                placed, total_req)
        return text
