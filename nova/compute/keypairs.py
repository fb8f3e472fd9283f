"""Key pairs: validation, fingerprints, generation, and the quota.

ssh keys are OpenSSH public keys (fingerprint: MD5 of the key blob, as
upstream shows it); x509 keys are PEM certificates (fingerprint: SHA-1
of the DER form). Keys the API generates are 2048-bit RSA.
"""

import base64
import datetime
import hashlib
import string

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import oid

from nova import exception
from nova import objects
from nova.objects import keypair as keypair_obj
from nova import quota

_SAFE_CHARS = '-_ ' + string.digits + string.ascii_letters


def _colons(digest):
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def ssh_fingerprint(public_key):
    try:
        key = serialization.load_ssh_public_key(
            public_key.strip().encode('utf-8'))
        blob = key.public_bytes(serialization.Encoding.OpenSSH,
                                serialization.PublicFormat.OpenSSH)
        raw = base64.b64decode(blob.split()[1])
    except Exception:
        raise exception.InvalidKeypair(
            reason='failed to generate fingerprint')
    return _colons(hashlib.md5(raw, usedforsecurity=False).hexdigest())


def x509_fingerprint(certificate):
    try:
        cert = x509.load_pem_x509_certificate(certificate.encode('utf-8'))
    except Exception:
        raise exception.InvalidKeypair(
            reason='failed to generate X509 fingerprint. Error message: '
                   'invalid certificate')
    return _colons(cert.fingerprint(hashes.SHA1()).hex())


def fingerprint(public_key, key_type):
    if key_type == keypair_obj.KEYPAIR_TYPE_X509:
        return x509_fingerprint(public_key)
    return ssh_fingerprint(public_key)


def generate_ssh(user_id):
    """(private PEM, OpenSSH public key, fingerprint)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode('ascii')
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode('ascii')
    public = '%s Generated-by-Nova' % public
    return private, public, ssh_fingerprint(public)


def generate_x509(user_id):
    """(private PEM, certificate PEM, fingerprint), self-signed."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(oid.NameOID.COMMON_NAME,
                                         user_id or 'nova')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode('ascii')
    public = cert.public_bytes(serialization.Encoding.PEM).decode('ascii')
    return private, public, x509_fingerprint(public)


def validate_name(name, special_chars=False):
    """Before 2.92 names take letters, digits, '-', '_' and blanks;
    from 2.92 also '@' and '.'."""
    safe = _SAFE_CHARS + ('@.' if special_chars else '')
    if not all(c in safe for c in name):
        raise exception.InvalidKeypair(
            reason='Keypair name contains unsafe characters')
    if not 1 <= len(name) <= 255:
        raise exception.InvalidKeypair(
            reason='Keypair name must be string and between 1 and 255 '
                   'characters long')


def create(context, user_id, name, key_type=keypair_obj.KEYPAIR_TYPE_SSH,
           public_key=None, special_chars=False):
    """Import ``public_key`` or generate a key pair; returns (KeyPair,
    private key or None)."""
    validate_name(name, special_chars)
    quota.check_key_pairs(context, user_id)
    private = None
    if public_key is None:
        gen = generate_x509 if key_type == keypair_obj.KEYPAIR_TYPE_X509 \
            else generate_ssh
        private, public_key, fp = gen(user_id)
    else:
        fp = fingerprint(public_key, key_type)
    keypair = objects.KeyPair(context, name=name, user_id=user_id,
                              type=key_type, public_key=public_key,
                              fingerprint=fp)
    try:
        keypair.create()
    except exception.Conflict as exc:
        if isinstance(exc, exception.KeyPairExists):
            raise
        raise exception.KeyPairExists(key_name=name)
    try:
        # Parallel creations may have passed the first check together.
        quota.check_key_pairs(context, user_id, count=0)
    except exception.KeypairLimitExceeded:
        keypair.destroy()
        raise
    return keypair, private
