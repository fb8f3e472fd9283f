"""The sub-resources of one server, /servers/{server_id}/<name>.

Each entry names a controller class, constructed with the server id, as
'module:Class'; it is imported on first use so that the servers
controller does not load every resource's code at start-up.
"""

import functools
import importlib

SUB_RESOURCES = {
    'action': 'nova.api.controllers.server_actions:ActionController',
    'metadata': 'nova.api.controllers.server_metadata:MetadataController',
    'tags': 'nova.api.controllers.server_tags:TagsController',
    'os-instance-actions':
        'nova.api.controllers.instance_actions:InstanceActionsController',
    'migrations':
        'nova.api.controllers.server_migrations:ServerMigrationsController',
    'diagnostics': 'nova.api.controllers.server_info:DiagnosticsController',
    'ips': 'nova.api.controllers.server_info:IPsController',
    'topology': 'nova.api.controllers.server_info:TopologyController',
    'os-server-password':
        'nova.api.controllers.server_info:ServerPasswordController',
    'os-interface': 'nova.api.controllers.server_info:InterfacesController',
    'os-volume_attachments':
        'nova.api.controllers.server_info:VolumeAttachmentsController',
    'remote-consoles':
        'nova.api.controllers.server_info:RemoteConsolesController',
    'os-security-groups':
        'nova.api.controllers.server_info:SecurityGroupsController',
    'consoles': 'nova.api.controllers.gone:ServerGoneController',
    'os-virtual-interfaces': 'nova.api.controllers.gone:ServerGoneController',
}


@functools.lru_cache(maxsize=None)
def controller_class(name):
    """The controller class of sub-resource ``name``; None when there is
    no such sub-resource (or its module is not there)."""
    target = SUB_RESOURCES.get(name)
    if target is None:
        return None
    module_name, _, class_name = target.partition(':')
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
    return getattr(module, class_name, None)
