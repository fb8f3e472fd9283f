"""Nova's versioned objects. Call register_all() before use; classes are
then reachable as ``nova.objects.<Name>``."""


def register_all():
    # Importing a module registers the classes it defines.
    __import__('nova.objects.aggregate')
    __import__('nova.objects.build_request')
    __import__('nova.objects.cell_mapping')
    __import__('nova.objects.compute_node')
    __import__('nova.objects.flavor')
    __import__('nova.objects.host_mapping')
    __import__('nova.objects.image_meta')
    __import__('nova.objects.instance')
    __import__('nova.objects.instance_action')
    __import__('nova.objects.instance_fault')
    __import__('nova.objects.instance_group')
    __import__('nova.objects.instance_mapping')
    __import__('nova.objects.keypair')
    __import__('nova.objects.migration')
    __import__('nova.objects.quotas')
    __import__('nova.objects.request_spec')
    __import__('nova.objects.selection')
    __import__('nova.objects.service')
    __import__('nova.objects.tag')
    __import__('nova.objects.console_auth_token')
