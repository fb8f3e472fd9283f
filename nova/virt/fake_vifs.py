"""The fake driver's VIFs: where a test harness sees them plugged.

A fake guest has no NICs, but Neutron only makes a port ACTIVE (and sends
network-vif-plugged) once an L2 agent on the port's host has wired it. The
fake driver records each VIF it plugs as an empty file
``<[fake] plugged_vifs_dir>/<host>/<port id>`` and removes it on unplug;
the harness agent of tools/neutron (fake_l2_agent.py), which stands in for
an Open vSwitch agent on each fake host, watches that directory and
reports the ports up or down to Neutron. Without the option nothing is
written (and nothing is waited for when the ports never come up, see
[DEFAULT] vif_plugging_timeout).
"""

import os

from oslo_log import log as logging

import nova.conf

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def _host_dir(host):
    base = CONF.fake.plugged_vifs_dir
    return os.path.join(base, host) if base else None


def plug(host, network_info):
    """Record the VIFs of ``network_info`` plugged on ``host``; returns
    their port ids (what the guest record keeps)."""
    port_ids = [vif['id'] for vif in network_info or []]
    directory = _host_dir(host)
    if directory and port_ids:
        os.makedirs(directory, exist_ok=True)
        for port_id in port_ids:
            with open(os.path.join(directory, port_id), 'a'):
                pass
    return port_ids


def unplug(host, port_ids):
    directory = _host_dir(host)
    if not directory:
        return
    for port_id in port_ids or []:
        try:
            os.unlink(os.path.join(directory, port_id))
        except FileNotFoundError:
            pass
