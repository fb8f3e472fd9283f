"""What nova-compute answers about its guests and itself for the API:
diagnostics (free-form and the standardised 2.48 form), host uptime, and
the external events other services send about the guests."""

from oslo_log import log as logging

from nova import exception
from nova import objects
from nova.states import power_state
from nova.states import vm_states

LOG = logging.getLogger(__name__)


def get_diagnostics(compute, context, instance):
    if compute.driver.get_info(instance).state != power_state.RUNNING:
        raise exception.InstanceNotRunning(instance_id=instance.uuid)
    return compute.driver.get_diagnostics(instance)


def _standard_from(raw, instance):
    """The 2.48 body built from a driver's free-form diagnostics."""
    memory = raw.get('memory_mb') or instance.memory_mb or 0
    num_cpus = raw.get('num_cpus') or instance.vcpus or 0
    return {
        'state': raw.get('state', 'running'),
        'driver': raw.get('driver', 'fake'),
        'hypervisor': raw.get('hypervisor', raw.get('driver', 'fake')),
        'hypervisor_os': raw.get('hypervisor_os', 'fake-os'),
        'uptime': raw.get('uptime', 0),
        'config_drive': bool(raw.get('config_drive', False)),
        'num_cpus': num_cpus,
        'num_nics': len(raw.get('nic_details', [])),
        'num_disks': len(raw.get('disk_details', [])),
        'memory_details': {'maximum': memory, 'used': 0},
        'cpu_details': raw.get('cpu_details') or [
            {'id': i, 'time': None, 'utilisation': None}
            for i in range(num_cpus)],
        'nic_details': raw.get('nic_details', []),
        'disk_details': raw.get('disk_details', []),
    }


def get_instance_diagnostics(compute, context, instance):
    if compute.driver.get_info(instance).state != power_state.RUNNING:
        raise exception.InstanceNotRunning(instance_id=instance.uuid)
    getter = getattr(compute.driver, 'get_instance_diagnostics', None)
    if getter is not None:
        try:
            return getter(instance)
        except NotImplementedError:
            pass
    return _standard_from(compute.driver.get_diagnostics(instance),
                          instance)


def get_host_uptime(compute, context):
    return compute.driver.get_host_uptime()


def external_instance_event(compute, context, instances, events):
    """Act on events of other services (network, volume, ironic,
    cyborg): network-vif-plugged goes to whoever waits for it (a build
    or move, see vif_plugging), network-changed and network-vif-deleted
    refresh the server's network information from Neutron, power-update
    changes the recorded power state; the others are only recorded."""
    by_uuid = {inst.uuid: inst for inst in instances}
    refreshed = set()
    for event in events:
        inst = by_uuid.get(event['instance_uuid'])
        if inst is None:
            continue
        name = event['name']
        LOG.info('Received event %s-%s (status %s)', name,
                 event.get('tag'), event.get('status'),
                 instance_uuid=inst.uuid)
        if name == 'power-update':
            _power_update(compute, inst, event.get('tag'))
        elif name == 'network-vif-plugged':
            compute.external_events.deliver(inst.uuid, name,
                                            event.get('tag'),
                                            event.get('status'))
        elif name in ('network-changed', 'network-vif-deleted') and \
                inst.uuid not in refreshed:
            refreshed.add(inst.uuid)
            _refresh_network_info(compute, context, inst, name,
                                  event.get('tag'))


def _refresh_network_info(compute, context, instance, name, port_id):
    """Read the server's ports again; a port deleted behind nova's back
    is also unplugged from the guest. A server still being built is left
    alone: its build stores the network information it made (and knows
    which ports the user passed), whatever Neutron says meanwhile."""
    with compute.locks.hold(instance.uuid):
        try:
            instance = objects.Instance.get_by_uuid(context, instance.uuid)
        except exception.InstanceNotFound:
            return
        if instance.vm_state == vm_states.BUILDING:
            LOG.debug('Not refreshing the network information of a server '
                      'being built (%s)', name, instance_uuid=instance.uuid)
            return
        before = {vif['id']: vif for vif in
                  compute.network_api.get_instance_nw_info(context,
                                                           instance)}
        try:
            after = compute.network_api.refresh_instance_nw_info(context,
                                                                 instance)
        except Exception as exc:
            LOG.warning('Network information not refreshed after %s: %s',
                        name, exc, instance_uuid=instance.uuid)
            return
        if name != 'network-vif-deleted':
            return
        gone = set(before) - {vif['id'] for vif in after}
        for port in gone:
            try:
                compute.driver.detach_interface(context, instance,
                                                before[port])
            except NotImplementedError:
                pass
            except Exception as exc:
                LOG.warning('Interface %s of a deleted port not detached '
                            'from the guest: %s', port, exc,
                            instance_uuid=instance.uuid)


def _power_update(compute, instance, target):
    with compute.locks.hold(instance.uuid):
        if target == 'POWER_ON':
            instance.power_state = power_state.RUNNING
            instance.vm_state = vm_states.ACTIVE
        elif target == 'POWER_OFF':
            instance.power_state = power_state.SHUTDOWN
            instance.vm_state = vm_states.STOPPED
        else:
            return
        try:
            instance.save(expected_task_state=[None])
        except (exception.InstanceNotFound,
                exception.InstanceInvalidState) as exc:
            LOG.warning('Power update %s not applied: %s', target,
                        exc.format_message(), instance_uuid=instance.uuid)


# console_type -> (driver method, [group] with enabled and the base URL
# option, protocol the API names it by).
CONSOLES = {
    'novnc': ('get_vnc_console', 'vnc', 'novncproxy_base_url'),
    'serial': ('get_serial_console', 'serial_console', 'base_url'),
}


def get_console(compute, context, instance, console_type):
    """Authorize a console connection to the guest: a ConsoleAuthToken
    for [consoleauth] token_ttl; returns {'url', 'host', 'port'}."""
    import nova.conf
    from nova import objects
    conf = nova.conf.CONF
    if console_type not in CONSOLES:
        raise exception.ConsoleTypeInvalid(console_type=console_type)
    method, group, url_opt = CONSOLES[console_type]
    if not getattr(conf, group).enabled:
        raise exception.ConsoleTypeUnavailable(console_type=console_type)
    if compute.driver.get_info(instance).state != power_state.RUNNING:
        raise exception.InstanceNotReady(instance_id=instance.uuid)
    where = getattr(compute.driver, method)(context, instance)
    token = objects.ConsoleAuthToken(
        context, console_type=console_type, host=where['host'],
        port=where['port'], internal_access_path=where.get(
            'internal_access_path'), instance_uuid=instance.uuid,
        access_url_base=getattr(getattr(conf, group), url_opt))
    token.authorize(conf.consoleauth.token_ttl)
    return {'url': token.access_url, 'host': where['host'],
            'port': where['port']}
