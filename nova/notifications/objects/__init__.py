"""Versioned notification objects: the envelope (event type, publisher,
priority) and the payloads, in a registry of their own so that they never
show up as ``nova.objects.<Name>``. Their classes are reachable here as
``nova.notifications.objects.<Name>`` once their modules are imported
(register_all())."""


def register_all():
    __import__('nova.notifications.objects.base')
    __import__('nova.notifications.objects.exception')
    __import__('nova.notifications.objects.flavor')
    __import__('nova.notifications.objects.keypair')
    __import__('nova.notifications.objects.instance')
