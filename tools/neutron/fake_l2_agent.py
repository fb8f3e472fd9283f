"""A stand-in L2 agent for nova's fake compute hosts (test harness only).

nova's fake virt driver runs compute hosts (compute1 ... computeN) that
have no guests, no bridges and no OVS agent. For their ports to bind in a
real Neutron and go ACTIVE (so that Neutron sends nova
``network-vif-plugged``), this process plays the Open vSwitch agent of each
of those hosts over Neutron's own RPC::

    fake_l2_agent.py --config-file neutron.conf --vif-dir DIR \\
        [--log-file FILE] [--report-interval 10] [--poll-interval 0.25] \\
        HOST [HOST ...]

Run it with the Python of the Neutron virtualenv (it uses Neutron's agent
RPC clients, neutron.agent.rpc.PluginReportStateAPI and PluginApi, and the
transport of neutron.conf).

- State: every --report-interval seconds, per host, an "Open vSwitch
  agent" (binary neutron-openvswitch-agent) whose configurations are those
  of the real agent of tools/neutron/setup.sh (bridge_mappings physnet1,
  tunnel_types vxlan, datapath_type netdev, ovs_hybrid_plug false,
  integration_bridge br-int, tunneling_ip 127.0.0.1): ML2's openvswitch
  mechanism driver binds ports with binding:host_id=HOST to it
  (vif_type ovs). It never calls tunnel_sync: no tunnel is ever built
  towards a fake host.
- Plugging, the contract with nova's fake driver: an empty file
  DIR/HOST/PORT_ID exists while the VIF of port PORT_ID is plugged on HOST
  (created on plug, removed on unplug). The directory is polled every
  --poll-interval seconds. A new file is handled like the real agent
  handles a new OVS port: get_devices_details_list (which sets the port
  BUILD and binds it again if its binding had failed), then
  update_device_list(devices_up) when the port's active binding is on
  HOST. A removed file gives update_device_list(devices_down). Failed
  calls are retried. At start every file present is handled as new.
- Notifications: like the real agent it listens to the fanout topics
  port_update and port_binding_activate: a port whose binding moved to
  HOST (or was activated there) while its file exists is reported up
  again; a port set admin-state down is reported down.
"""

import argparse
import logging
import os
import queue
import signal
import socket
import sys
import threading
import time

# Neutron imports come after the arguments are parsed (main()).

LOG = logging.getLogger('fake_l2_agent')

AGENT_TYPE = 'Open vSwitch agent'
AGENT_BINARY = 'neutron-openvswitch-agent'
NO_ACTIVE_BINDING = 'no_active_binding'
# Files whose port is unknown, unbound or bound elsewhere are looked at
# again this often (a notification usually comes first).
RECHECK_INTERVAL = 5.0
RETRY_INTERVAL = 1.0


def agent_configurations(host, vif_dir, devices):
    """What the real neutron-openvswitch-agent of setup.sh reports."""
    inventory_defaults = {'allocation_ratio': 1.0, 'min_unit': 1,
                          'reserved': 0, 'step_size': 1}
    return {
        'bridge_mappings': {'physnet1': 'br-phys'},
        'integration_bridge': 'br-int',
        'tunnel_types': ['vxlan'],
        'tunneling_ip': '127.0.0.1',
        'l2_population': False,
        'arp_responder_enabled': False,
        'enable_distributed_routing': False,
        'in_distributed_mode': False,
        'log_agent_heartbeats': False,
        'extensions': [],
        'datapath_type': 'netdev',
        'ovs_capabilities': {
            'datapath_types': ['netdev', 'system'],
            'iface_types': ['afxdp', 'afxdp-nonpmd', 'bareudp', 'erspan',
                            'geneve', 'gre', 'gtpu', 'internal',
                            'ip6erspan', 'ip6gre', 'lisp', 'patch', 'stt',
                            'system', 'tap', 'vxlan']},
        'vhostuser_socket_dir': '/var/run/openvswitch',
        'ovs_hybrid_plug': False,
        'baremetal_smartnic': False,
        'devices': devices,
        'resource_provider_bandwidths': {},
        'resource_provider_inventory_defaults': inventory_defaults,
        'resource_provider_packet_processing_without_direction': {},
        'resource_provider_packet_processing_with_direction': {},
        'resource_provider_packet_processing_inventory_defaults':
            inventory_defaults,
        'resource_provider_hypervisors': {'br-phys': host,
                                          'rp_tunnelled': host},
        # Not read by Neutron: tells a human looking at the agent list.
        'fake_l2_agent': True,
        'fake_vif_dir': vif_dir,
    }


class Host:
    """What one fake host's agent knows."""

    def __init__(self, name, vif_dir):
        self.name = name
        self.agent_id = 'fake-ovs-agent-%s' % name
        self.dir = os.path.join(vif_dir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.present = set()      # files seen at the last scan
        self.to_check = set()     # new (or notified) devices: details, up
        self.to_down = set()      # removed files: down
        self.unresolved = {}      # device: monotonic time of next check
        self.start_flag = True
        self.next_try = 0.0

    def scan(self):
        try:
            now = {n for n in os.listdir(self.dir) if not n.startswith('.')}
        except FileNotFoundError:
            os.makedirs(self.dir, exist_ok=True)
            now = set()
        added, removed = now - self.present, self.present - now
        self.present = now
        self.to_check |= added
        self.to_check -= removed
        self.to_down |= removed
        self.to_down -= added
        for device in removed:
            self.unresolved.pop(device, None)
        t = time.monotonic()
        for device, when in list(self.unresolved.items()):
            if when <= t:
                del self.unresolved[device]
                self.to_check.add(device)
        return bool(added or removed)


class Notifications:
    """RPC endpoint of the fanout topics the real OVS agent listens to.
    Runs in oslo.messaging's threads: only queues (host, port id, up)."""

    def __init__(self, hosts, events):
        import oslo_messaging
        self.target = oslo_messaging.Target(version='1.9')
        self.hosts = hosts
        self.events = events

    def port_update(self, context, **kwargs):
        port = kwargs.get('port') or {}
        host = port.get('binding:host_id')
        if host in self.hosts and port.get('id'):
            self.events.put((host, port['id']))

    def binding_activate(self, context, **kwargs):
        if kwargs.get('host') in self.hosts and kwargs.get('port_id'):
            self.events.put((kwargs['host'], kwargs['port_id']))

    def port_delete(self, context, **kwargs):
        pass

    def binding_deactivate(self, context, **kwargs):
        pass

    def network_update(self, context, **kwargs):
        pass

    def network_delete(self, context, **kwargs):
        pass


class FakeL2Agent:

    def __init__(self, names, vif_dir, report_interval, poll_interval):
        from neutron.agent import rpc as agent_rpc
        from neutron.api.rpc.callbacks import resources
        from neutron_lib.agent import topics
        from neutron_lib import context

        self.vif_dir = vif_dir
        self.hosts = {name: Host(name, vif_dir) for name in names}
        self.report_interval = report_interval
        self.poll_interval = poll_interval
        self.context = context.get_admin_context_without_session()
        self.state_rpc = agent_rpc.PluginReportStateAPI(topics.REPORTS)
        self.plugin_rpc = agent_rpc.PluginApi(topics.PLUGIN)
        self.resource_versions = resources.LOCAL_RESOURCE_VERSIONS
        self.events = queue.Queue()
        self.stopping = threading.Event()
        self.next_report = 0.0
        self.connection = agent_rpc.create_consumers(
            [Notifications(self.hosts, self.events)], topics.AGENT,
            [[topics.PORT, topics.UPDATE],
             [topics.PORT, topics.DELETE],
             [topics.NETWORK, topics.UPDATE],
             [topics.NETWORK, topics.DELETE],
             [topics.PORT_BINDING, topics.DEACTIVATE],
             [topics.PORT_BINDING, topics.ACTIVATE]])

    # -- state reports --------------------------------------------------------
    def report(self):
        for host in self.hosts.values():
            state = {'binary': AGENT_BINARY, 'host': host.name,
                     'topic': 'N/A', 'agent_type': AGENT_TYPE,
                     'configurations': agent_configurations(
                         host.name, self.vif_dir, len(host.present)),
                     'resource_versions': self.resource_versions}
            if host.start_flag:
                state['start_flag'] = True
            try:
                status = self.state_rpc.report_state(self.context, state,
                                                     use_call=True)
            except Exception as exc:
                LOG.warning('state report of %s failed: %s', host.name, exc)
                continue
            if host.start_flag:
                LOG.info('agent of %s reported (%s)', host.name, status)
            host.start_flag = False
            if status == 'revived':
                # The server had it dead: bindings may have failed in the
                # meantime; look at every plugged port again.
                LOG.info('agent of %s revived: resyncing', host.name)
                host.to_check |= host.present

    # -- devices --------------------------------------------------------------
    def sync(self, host):
        if not (host.to_check or host.to_down):
            return
        if time.monotonic() < host.next_try:
            return
        check, down = sorted(host.to_check), sorted(host.to_down)
        up = []
        try:
            if check:
                details = self.plugin_rpc.get_devices_details_list(
                    self.context, check, host.agent_id, host.name)
                for device, info in zip(check, details):
                    if 'network_id' not in info:
                        # Unknown port, binding failed, or its active
                        # binding is elsewhere (live migration target
                        # before activation): wait for a notification,
                        # look again a bit later anyway.
                        host.unresolved[device] = (time.monotonic() +
                                                   RECHECK_INTERVAL)
                        LOG.info('%s on %s: not bound here yet (%s)', device,
                                 host.name, 'no active binding'
                                 if info.get(NO_ACTIVE_BINDING) else
                                 'unknown or unbound')
                    elif info.get('admin_state_up', True):
                        up.append(device)
                    else:
                        down.append(device)
            result = self.plugin_rpc.update_device_list(
                self.context, up, down, host.agent_id, host.name)
        except Exception as exc:
            LOG.warning('updating devices of %s failed (%s); retrying',
                        host.name, exc)
            host.next_try = time.monotonic() + RETRY_INTERVAL
            return
        failed_up = set(result.get('failed_devices_up') or ())
        failed_down = set(result.get('failed_devices_down') or ())
        host.to_check -= set(check) - failed_up
        host.to_down -= set(down) - failed_down
        if failed_up or failed_down:
            host.next_try = time.monotonic() + RETRY_INTERVAL
        if up or down:
            LOG.info('%s: up %s down %s%s', host.name,
                     sorted(set(up) - failed_up),
                     sorted(set(down) - failed_down),
                     ' (failed: %s)' % sorted(failed_up | failed_down)
                     if failed_up or failed_down else '')

    def notified(self):
        while True:
            try:
                name, device = self.events.get_nowait()
            except queue.Empty:
                return
            host = self.hosts[name]
            if device in host.present:
                host.unresolved.pop(device, None)
                host.to_check.add(device)

    def run(self):
        LOG.info('fake L2 agent for %s, VIF files in %s',
                 ', '.join(sorted(self.hosts)), self.vif_dir)
        while not self.stopping.is_set():
            now = time.monotonic()
            if now >= self.next_report:
                self.next_report = now + self.report_interval
                self.report()
            for host in self.hosts.values():
                host.scan()
            self.notified()
            for host in self.hosts.values():
                self.sync(host)
            self.stopping.wait(self.poll_interval)
        self.connection.close()

    def stop(self, *_args):
        self.stopping.set()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config-file', action='append', required=True)
    parser.add_argument('--vif-dir', required=True)
    parser.add_argument('--log-file')
    parser.add_argument('--report-interval', type=float, default=10.0)
    parser.add_argument('--poll-interval', type=float, default=0.25)
    parser.add_argument('hosts', nargs='+', metavar='HOST')
    args = parser.parse_args(argv[1:])
    names = [h for arg in args.hosts for h in arg.split(',') if h]

    from oslo_config import cfg
    from neutron.common import config as common_config
    from neutron.conf.agent import common as agent_conf

    common_config.register_common_config_options()
    agent_conf.register_agent_state_opts_helper(cfg.CONF)
    oslo_args = []
    for path in args.config_file:
        oslo_args += ['--config-file', path]
    if args.log_file:
        oslo_args += ['--log-file', args.log_file]
    common_config.init(oslo_args)
    # The name of this process's RPC server (fanout queues are per
    # process anyway); not one of the fake hosts.
    cfg.CONF.set_override('host', 'fake-l2-agent-%s-%d' % (
        socket.gethostname(), os.getpid()))
    common_config.setup_logging()

    agent = FakeL2Agent(names, os.path.abspath(args.vif_dir),
                        args.report_interval, args.poll_interval)
    signal.signal(signal.SIGTERM, agent.stop)
    signal.signal(signal.SIGINT, agent.stop)
    agent.run()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
