"""Files injected into a guest: the ``personality`` of create and rebuild
(before microversion 2.57).

They travel from the API to the compute host as (path, contents) pairs
with the contents base64-encoded, as the request gave them (RPC messages
are JSON), and are decoded for the driver on the host.
"""

import base64
import binascii

from nova import exception


def decode(files):
    """[(path, bytes)] of [(path, base64 text)]; Base64Exception naming
    the first file whose contents are not base64.

    Line breaks and other blanks are ignored (encoders wrap their output);
    any other character outside the base64 alphabet is refused.
    """
    decoded = []
    for path, contents in files or ():
        try:
            data = base64.b64decode(''.join(contents.split()), validate=True)
        except (AttributeError, TypeError, binascii.Error):
            raise exception.Base64Exception(path=path)
        decoded.append((path, data))
    return decoded
