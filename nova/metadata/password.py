"""The password a guest posts to the metadata service.

A guest agent (cloud-init, cloudbase-init) POSTs the server's password,
encrypted with the key pair's public key, to /openstack/<version>/password
once; the owner reads it back through ``GET /servers/{id}/os-server-
password`` and may clear it (DELETE) so that the guest can post a new one.

It is kept in the server's system metadata, cut into ``CHUNKS`` values of
at most ``CHUNK_LENGTH`` characters (``password_0`` .. ``password_3``), the
longest a system metadata value may be. Both the metadata service and the
Compute API go through this module.
"""

CHUNKS = 4
CHUNK_LENGTH = 255
MAX_SIZE = CHUNKS * CHUNK_LENGTH
KEYS = tuple('password_%d' % i for i in range(CHUNKS))


class PasswordAlreadySet(Exception):
    """The server has a password: it must be cleared before another is
    posted (a 409)."""


class InvalidPassword(Exception):
    """Not a password that can be kept (a 400)."""


class PasswordTooLong(InvalidPassword):
    """More than MAX_SIZE characters (or bytes, as posted)."""

    def __init__(self):
        super().__init__('Request is too large: a password has at most %d '
                         'characters.' % MAX_SIZE)


def extract(system_metadata):
    """The stored password, or None when there is none."""
    system_metadata = system_metadata or {}
    text = ''.join(system_metadata.get(key) or '' for key in KEYS)
    return text or None


def chunks(password):
    """{password_N: part} of ``password`` (str or bytes; None or '' clears
    every part)."""
    if isinstance(password, bytes):
        # As posted: the limit counts bytes.
        if len(password) > MAX_SIZE:
            raise PasswordTooLong()
        try:
            password = password.decode('utf-8')
        except UnicodeDecodeError:
            raise InvalidPassword('The password is not UTF-8 text.')
    password = password or ''
    if len(password) > MAX_SIZE:
        raise PasswordTooLong()
    return {key: password[i * CHUNK_LENGTH:(i + 1) * CHUNK_LENGTH]
            for i, key in enumerate(KEYS)}


def store(instance, password):
    """Keep ``password`` in ``instance``'s system metadata and save it;
    refuses when one is set already (the guest posts it once)."""
    if extract(instance.system_metadata) is not None:
        raise PasswordAlreadySet()
    parts = chunks(password)
    system_metadata = dict(instance.system_metadata or {})
    system_metadata.update(parts)
    instance.system_metadata = system_metadata
    instance.save()


def clear(system_metadata):
    """A copy of ``system_metadata`` without a password."""
    cleared = dict(system_metadata or {})
    cleared.update(chunks(None))
    return cleared
