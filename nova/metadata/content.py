"""What a guest learns about itself: the OpenStack and EC2 metadata trees.

``InstanceMetadata`` is built once from a server (its instance record with
the network information cache) and the few facts that live elsewhere
(security group names, personality files, the admin password of a config
drive). It does no I/O of its own: the metadata service builds one per
server and caches it, the config drive builder walks the same tree into
files, so both show a guest the same data.

Paths, as guests ask for them:

    /openstack                          versions, one a line
    /openstack/<version>/               the files of that version
    /openstack/<version>/meta_data.json
    /openstack/<version>/user_data
    /openstack/<version>/network_data.json     (2015-10-15 on)
    /openstack/<version>/vendor_data.json      (2013-10-17 on)
    /openstack/<version>/vendor_data2.json     (2016-10-06 on)
    /openstack/<version>/password              (2013-04-04 on)
    /openstack/content/<nnnn>           personality files (config drive)
    /<ec2 version>/meta-data/...        EC2 tree; "/" lists the versions
    /<ec2 version>/user-data
"""

import base64
import binascii
import os
import posixpath

from oslo_serialization import jsonutils
from oslo_utils import timeutils

import nova.conf
from nova.metadata import network_data
from nova.network import model as network_model

CONF = nova.conf.CONF

EC2_VERSIONS = ('1.0', '2007-01-19', '2007-03-01', '2007-08-29', '2007-10-10',
                '2007-12-15', '2008-02-01', '2008-09-01', '2009-04-04')

# The OpenStack format's versions and what each added.
FOLSOM = '2012-08-10'       # meta_data.json, user_data
GRIZZLY = '2013-04-04'      # password, random_seed
HAVANA = '2013-10-17'       # vendor_data.json
LIBERTY = '2015-10-15'      # network_data.json, project_id
NEWTON_ONE = '2016-06-30'   # devices (tagged NICs)
NEWTON_TWO = '2016-10-06'   # vendor_data2.json
OCATA = '2017-02-22'        # devices: vlan
ROCKY = '2018-08-27'        # devices: vf_trusted
VICTORIA = '2020-10-14'     # dedicated_cpus
EPOXY = '2025-04-04'        # devices: shares (there are none here)
OPENSTACK_VERSIONS = (FOLSOM, GRIZZLY, HAVANA, LIBERTY, NEWTON_ONE, NEWTON_TWO,
                      OCATA, ROCKY, VICTORIA, EPOXY)
LATEST = 'latest'

META_DATA = 'meta_data.json'
USER_DATA = 'user_data'
NETWORK_DATA = 'network_data.json'
VENDOR_DATA = 'vendor_data.json'
VENDOR_DATA2 = 'vendor_data2.json'
PASSWORD = 'password'
CONTENT_DIR = 'content'

JSON = 'application/json'
TEXT = 'text/plain'


class NotFound(Exception):
    """No such path in the tree (a 404 for the service)."""


class Password:
    """The marker the tree holds at .../password: the service reads and
    writes the server's password there (a config drive has none)."""


def _openstack_version(version):
    if version == LATEST:
        return OPENSTACK_VERSIONS[-1]
    if version not in OPENSTACK_VERSIONS:
        raise NotFound(version)
    return version


def _ec2_version(version):
    if version == LATEST:
        return EC2_VERSIONS[-1]
    if version not in EC2_VERSIONS:
        raise NotFound(version)
    return version


def _since(required, version, versions):
    return versions.index(version) >= versions.index(required)


def ec2_id(kind, value):
    """An EC2-style id ("i-0000002a", "ami-1a2b3c4d") of an integer or a
    UUID; for a UUID its first 32 bits, stable for the same image."""
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(str(value).replace('-', '')[:8], 16)
        except ValueError:
            number = 0
    return '%s-%08x' % (kind, number)


def user_data_bytes(instance):
    """The user data of ``instance`` as the guest gets it: the API stores
    it base64-encoded."""
    text = getattr(instance, 'user_data', None)
    if text is None:
        return None
    try:
        return base64.b64decode(text)
    except (binascii.Error, ValueError, TypeError):
        return text.encode() if isinstance(text, str) else text


def key_type(public_key):
    return 'x509' if (public_key or '').startswith('-----BEGIN') else 'ssh'


def hostname(instance):
    name = instance.hostname or ''
    if CONF.api.dhcp_domain and name:
        return '%s.%s' % (name, CONF.api.dhcp_domain)
    return name


def block_device_mapping(instance):
    """The EC2 block-device-mapping of a server's local disks: the root
    disk, then the flavor's ephemeral and swap disks in that order."""
    root = instance.root_device_name or '/dev/vda'
    prefix = root.rstrip('0123456789')[:-1] or '/dev/vd'
    mapping = {'ami': posixpath.basename(root), 'root': root}
    letter = ord(root.rstrip('0123456789')[-1])
    flavor = getattr(instance, 'flavor', None)
    if flavor is not None and flavor.ephemeral_gb:
        letter += 1
        mapping['ephemeral0'] = '%s%s' % (prefix, chr(letter))
    if flavor is not None and flavor.swap:
        letter += 1
        mapping['swap'] = '%s%s' % (prefix, chr(letter))
    return mapping


class InstanceMetadata:
    """The metadata trees of one server.

    ``instance`` needs its metadata, system_metadata, flavor and
    network_info loaded. ``files`` are personality files, (path, bytes);
    ``extra`` goes into meta_data.json as is (the config drive's
    admin_pass); ``vendordata`` is a callable returning the dynamic
    vendor data dict (see nova.metadata.vendordata). ``network_info``
    (VIF dicts) replaces the instance's cache, which a build fills only
    once the guest runs: the config drive is made before.
    """

    def __init__(self, instance, security_groups=(), files=(), extra=None,
                 vendordata=None, static_vendordata=None, address=None,
                 network_info=None):
        self.instance = instance
        self.uuid = instance.uuid
        self.address = address
        self.security_groups = list(security_groups)
        self.extra = dict(extra or {})
        self.user_data = user_data_bytes(instance)
        if network_info is None:
            network_info = network_model.load(
                getattr(instance, 'network_info', None))
        self.network_info = list(network_info)
        self.network_data = network_data.build(self.network_info)
        self._dynamic_vendordata = vendordata
        self._static_vendordata = static_vendordata or {}
        self.content = {}
        self.files = []
        for path, data in files or ():
            key = '%04d' % len(self.content)
            self.content[key] = data
            self.files.append({'path': path,
                               'content_path': '/%s/%s' % (CONTENT_DIR, key)})
        self.created_at = timeutils.utcnow()

    # -- the OpenStack format ------------------------------------------

    def openstack_listing(self, version):
        version = _openstack_version(version)
        names = [META_DATA]
        if self.user_data is not None:
            names.append(USER_DATA)
        if _since(GRIZZLY, version, OPENSTACK_VERSIONS):
            names.append(PASSWORD)
        if _since(HAVANA, version, OPENSTACK_VERSIONS):
            names.append(VENDOR_DATA)
        if _since(LIBERTY, version, OPENSTACK_VERSIONS):
            names.append(NETWORK_DATA)
        if _since(NEWTON_TWO, version, OPENSTACK_VERSIONS):
            names.append(VENDOR_DATA2)
        return names

    def meta_data(self, version):
        version = _openstack_version(version)
        inst = self.instance
        data = {'uuid': inst.uuid}
        if inst.metadata:
            data['meta'] = dict(inst.metadata)
        if self.files:
            data['files'] = self.files
        data.update(self.extra)
        if inst.key_name and inst.key_data:
            data['public_keys'] = {inst.key_name: inst.key_data}
            data['keys'] = [{'name': inst.key_name,
                             'type': key_type(inst.key_data),
                             'data': inst.key_data}]
        data['hostname'] = hostname(inst)
        data['name'] = inst.display_name
        data['launch_index'] = inst.launch_index or 0
        data['availability_zone'] = inst.availability_zone
        if _since(GRIZZLY, version, OPENSTACK_VERSIONS):
            data['random_seed'] = base64.b64encode(
                os.urandom(512)).decode()
        if _since(LIBERTY, version, OPENSTACK_VERSIONS):
            data['project_id'] = inst.project_id
        if _since(NEWTON_ONE, version, OPENSTACK_VERSIONS):
            data['devices'] = self._devices()
        if _since(VICTORIA, version, OPENSTACK_VERSIONS):
            data['dedicated_cpus'] = self._dedicated_cpus()
        return data

    def _devices(self):
        """The server's tagged devices: NICs whose port was given a tag at
        boot or attach (there are no volumes here)."""
        devices = []
        for vif in self.network_info:
            if not vif.get('tag'):
                continue
            devices.append({'type': 'nic', 'bus': 'none', 'address': 'none',
                            'mac': vif.get('address'),
                            'tags': [vif['tag']]})
        return devices

    def _dedicated_cpus(self):
        sysmeta = self.instance.system_metadata or {}
        cpus = sysmeta.get('dedicated_cpus')
        if not cpus:
            return []
        return sorted(int(c) for c in cpus.split(',') if c.strip().isdigit())

    def vendor_data(self, version):
        """The static vendor data; NotFound when StaticJSON is not one of
        [api] vendordata_providers (the file is listed all the same, as
        upstream lists it)."""
        _openstack_version(version)
        if 'StaticJSON' not in CONF.api.vendordata_providers:
            raise NotFound(VENDOR_DATA)
        return dict(self._static_vendordata)

    def vendor_data2(self, version):
        _openstack_version(version)
        data = {}
        if 'StaticJSON' in CONF.api.vendordata_providers:
            data['static'] = dict(self._static_vendordata)
        if ('DynamicJSON' in CONF.api.vendordata_providers and
                self._dynamic_vendordata is not None):
            for name, value in self._dynamic_vendordata().items():
                data.setdefault(name, value)
        return data

    def openstack_item(self, tokens):
        """(body, content type) at /openstack/<tokens...>."""
        if not tokens:
            today = timeutils.utcnow().strftime('%Y-%m-%d')
            versions = [v for v in OPENSTACK_VERSIONS if v <= today]
            return versions + [LATEST], TEXT
        if tokens[0] == CONTENT_DIR:
            if len(tokens) != 2 or tokens[1] not in self.content:
                raise NotFound('/'.join(tokens))
            return self.content[tokens[1]], TEXT
        version = tokens[0]
        if len(tokens) == 1:
            return self.openstack_listing(version), TEXT
        if len(tokens) != 2:
            raise NotFound('/'.join(tokens))
        name = tokens[1]
        if name not in self.openstack_listing(version):
            raise NotFound(name)
        if name == META_DATA:
            return jsonutils.dump_as_bytes(self.meta_data(version)), JSON
        if name == USER_DATA:
            return self.user_data, TEXT
        if name == NETWORK_DATA:
            return jsonutils.dump_as_bytes(self.network_data or {}), JSON
        if name == VENDOR_DATA:
            return jsonutils.dump_as_bytes(self.vendor_data(version)), JSON
        if name == VENDOR_DATA2:
            return jsonutils.dump_as_bytes(self.vendor_data2(version)), JSON
        return Password(), TEXT

    # -- the EC2 format ------------------------------------------------

    def ec2_metadata(self, version):
        """{"meta-data": {...}, "user-data": bytes} of an EC2 version."""
        version = _ec2_version(version)
        inst = self.instance
        name = hostname(inst)
        fixed = [ip for ip in network_model.fixed_ips(self.network_info)
                 if ':' not in ip]
        floating = network_model.floating_ips(self.network_info)
        meta = {
            'ami-id': ec2_id('ami', inst.image_ref),
            'ami-launch-index': inst.launch_index or 0,
            'ami-manifest-path': 'FIXME',
            'instance-id': ec2_id('i', inst.id),
            'hostname': name,
            'local-ipv4': fixed[0] if fixed else (self.address or ''),
            'reservation-id': inst.reservation_id,
            'security-groups': self.security_groups,
        }
        if inst.key_name and inst.key_data:
            # public-keys/ lists "0=<name>"; public-keys/0/ the formats.
            meta['public-keys'] = {'0': {'_name': '0=' + inst.key_name,
                                         'openssh-key': inst.key_data}}
        if _since('2007-01-19', version, EC2_VERSIONS):
            meta['local-hostname'] = name
            meta['public-hostname'] = name
            meta['public-ipv4'] = floating[0] if floating else ''
        if _since('2007-08-29', version, EC2_VERSIONS):
            meta['instance-type'] = (inst.flavor.name
                                     if inst.flavor is not None else '')
        if _since('2007-12-15', version, EC2_VERSIONS):
            meta['block-device-mapping'] = block_device_mapping(inst)
            if inst.kernel_id:
                meta['kernel-id'] = ec2_id('aki', inst.kernel_id)
            if inst.ramdisk_id:
                meta['ramdisk-id'] = ec2_id('ari', inst.ramdisk_id)
        if _since('2008-02-01', version, EC2_VERSIONS):
            meta['placement'] = {'availability-zone':
                                 inst.availability_zone}
        if _since('2008-09-01', version, EC2_VERSIONS):
            meta['instance-action'] = 'none'
        data = {'meta-data': meta}
        if self.user_data is not None:
            data['user-data'] = self.user_data
        return data

    def ec2_item(self, tokens):
        """(body, content type) at /<tokens...> of the EC2 tree."""
        if not tokens:
            return list(EC2_VERSIONS) + [LATEST], TEXT
        data = self.ec2_metadata(tokens[0])
        for i, token in enumerate(tokens[1:]):
            if isinstance(data, dict) and token in data and token != '_name':
                data = data[token]
            else:
                raise NotFound('/'.join(tokens[:i + 2]))
        return data, TEXT

    # -- both ----------------------------------------------------------

    def lookup(self, path):
        """(body, content type) at ``path``; NotFound if there is none.

        The body is bytes, a str, a list of names, a dict (an EC2
        directory: see ec2_listing) or a Password marker.
        """
        tokens = [t for t in posixpath.normpath('/' + path).split('/') if t]
        if tokens and tokens[0] == 'openstack':
            return self.openstack_item(tokens[1:])
        if tokens and tokens[0] == 'ec2':
            tokens = tokens[1:]
        return self.ec2_item(tokens)

    # -- the config drive ----------------------------------------------

    def config_drive_files(self):
        """(path, bytes) of every file of a config drive: the EC2 versions
        not skipped by [api] config_drive_skip_versions as meta-data.json
        and user-data, each OpenStack version, and the personality
        files."""
        skipped = set(CONF.api.config_drive_skip_versions.split())
        for version in EC2_VERSIONS + (LATEST,):
            if version in skipped:
                continue
            data = self.ec2_metadata(version)
            if 'user-data' in data:
                yield ('ec2/%s/user-data' % version, data['user-data'])
            meta = data['meta-data']
            if 'public-keys' in meta:
                meta['public-keys'] = {'0': {
                    'openssh-key': meta['public-keys']['0']['openssh-key']}}
            yield ('ec2/%s/meta-data.json' % version,
                   jsonutils.dump_as_bytes(meta))
        for version in OPENSTACK_VERSIONS + (LATEST,):
            for name in self.openstack_listing(version):
                if name == PASSWORD:
                    continue
                try:
                    body, _type = self.openstack_item([version, name])
                except NotFound:
                    continue        # vendor_data.json without StaticJSON
                yield ('openstack/%s/%s' % (version, name), _bytes(body))
        for key, data in self.content.items():
            yield ('openstack/%s/%s' % (CONTENT_DIR, key), _bytes(data))


def _bytes(body):
    return body.encode() if isinstance(body, str) else body


def ec2_listing(data):
    """The text of an EC2 directory: its keys one a line, sub-directories
    with a trailing "/" (or their "_name", as public-keys/ shows
    "0=<key name>")."""
    lines = []
    for key in sorted(data):
        if key == '_name':
            continue
        value = data[key]
        if isinstance(value, dict):
            lines.append(value.get('_name') or key + '/')
        else:
            lines.append(key)
    return '\n'.join(lines)
