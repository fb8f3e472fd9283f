"""The identity of a compute host's nodes, kept next to its state.

A node's uuid names its record in the cell database and its resource
provider in placement. When the record is lost (a first start that was
cut short after the node reached placement, a record created through
another deployment's conductor, a service deleted and started again), a
new uuid would make a second provider with the node's name, which
placement refuses: the node would never be schedulable again. So the
uuid is written to the ``compute_id`` file in the driver's state
directory (see ComputeDriver.node_identity_dir) before the record and
the provider are created, and reused whenever the record has to be
created again.

The file holds one line per node, ``<uuid> <node name>``; a line with a
uuid alone (one node per host, as upstream writes it) names the host's
only node.
"""

import os
import tempfile

from oslo_log import log as logging
from oslo_utils import uuidutils

LOG = logging.getLogger(__name__)

FILENAME = 'compute_id'


class NodeIdentity:
    """Node name -> uuid, as remembered in ``<directory>/compute_id``."""

    def __init__(self, directory):
        self.path = os.path.join(directory, FILENAME)

    def read(self, names=()):
        """{node name: uuid}. ``names``: the nodes the host exposes now,
        to which a bare uuid (one-node file) is given when there is
        exactly one."""
        try:
            with open(self.path) as f:
                lines = [line.split(None, 1) for line in f.read().splitlines()
                         if line.strip() and not line.startswith('#')]
        except FileNotFoundError:
            return {}
        names = list(names)
        known = {}
        for parts in lines:
            uuid = parts[0]
            if not uuidutils.is_uuid_like(uuid):
                LOG.warning('Ignoring %r in %s: not a uuid', uuid, self.path)
                continue
            if len(parts) == 2:
                known[parts[1].strip()] = uuid
            elif len(names) == 1:
                known[names[0]] = uuid
        return known

    def write(self, identities):
        """Remember {node name: uuid} (replacing the file atomically, so a
        crash leaves the old or the new list, never half of one)."""
        directory = os.path.dirname(self.path)
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix='.' + FILENAME,
                                   suffix='.tmp')
        try:
            with os.fdopen(fd, 'w') as f:
                for name in sorted(identities):
                    f.write('%s %s\n' % (identities[name], name))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
