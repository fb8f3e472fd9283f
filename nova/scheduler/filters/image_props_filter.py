"""ImagePropertiesFilter: only hosts that can run the image.

The image may ask for an architecture (``hw_architecture``), a hypervisor
type (``img_hv_type``), a VM mode (``hw_vm_mode``) and a hypervisor version
range (``img_hv_requested_version``, e.g. ``>=6.0, <7``). A host passes
when one of its ``supported_instances`` triples ``[arch, hv_type,
vm_mode]`` has every requested value and its hypervisor version is in
range. An image asking for none of these runs anywhere.
"""

import operator
import re

from oslo_log import log as logging

import nova.conf
from nova.scheduler import filters

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

_ARCH_ALIASES = {
    'amd64': 'x86_64', 'x64': 'x86_64', 'em64t': 'x86_64',
    'i386': 'i686', 'i486': 'i686', 'i586': 'i686', 'x86': 'i686',
    'x86_32': 'i686', 'ia32': 'i686',
    'arm64': 'aarch64', 'armhf': 'armv7l', 'armv7': 'armv7l',
    'ppc64el': 'ppc64le',
}
_HV_ALIASES = {'xapi': 'xen'}
_VM_MODE_ALIASES = {'pv': 'xen', 'hv': 'hvm', 'baremetal': 'hvm'}


def _canonical(value, aliases):
    if not value:
        return None
    value = value.strip().lower()
    return aliases.get(value, value)


def canonical_arch(value):
    return _canonical(value, _ARCH_ALIASES)


def canonical_hv_type(value):
    return _canonical(value, _HV_ALIASES)


def canonical_vm_mode(value):
    return _canonical(value, _VM_MODE_ALIASES)


def version_to_str(version):
    """A hypervisor version integer (major * 1000000 + minor * 1000 +
    micro) as a dotted string."""
    parts = []
    version = int(version)
    while version:
        parts.insert(0, str(version % 1000))
        version //= 1000
    return '.'.join(parts) or '0'


def _version_tuple(text):
    return tuple(int(part) for part in text.strip().split('.'))


_COMPARATORS = {'<': operator.lt, '<=': operator.le, '==': operator.eq,
                '!=': operator.ne, '>': operator.gt, '>=': operator.ge}
_CONSTRAINT = re.compile(r'^\s*(<=|>=|==|!=|<|>)\s*([0-9][0-9.]*)\s*$')


def parse_version_constraints(text):
    """A list of (compare, version tuple) from text like '>= 6.0, < 7'.
    Raises ValueError on anything else."""
    constraints = []
    for part in text.split(','):
        found = _CONSTRAINT.match(part)
        if not found:
            raise ValueError('Bad version constraint %r' % part)
        constraints.append((_COMPARATORS[found.group(1)],
                            _version_tuple(found.group(2))))
    return constraints


def _pad(a, b):
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)), b + (0,) * (width - len(b))


def version_satisfies(version, constraints):
    have = _version_tuple(version_to_str(version))
    for compare, wanted in constraints:
        left, right = _pad(have, wanted)
        if not compare(left, right):
            return False
    return True


class _Wanted:
    """What an image asks of a host, worked out once per request."""

    def __init__(self, props):
        arch = props.get('hw_architecture') or \
            CONF.filter_scheduler.image_properties_default_architecture
        self.triple = (canonical_arch(arch),
                       canonical_hv_type(props.get('img_hv_type')),
                       canonical_vm_mode(props.get('hw_vm_mode')))
        self.any = any(self.triple)
        self.version_text = props.get('img_hv_requested_version')
        self.constraints = None
        if self.version_text:
            try:
                self.constraints = parse_version_constraints(
                    self.version_text)
            except ValueError:
                LOG.warning('Image requests an unparsable hypervisor '
                            'version %r; no host can satisfy it.',
                            self.version_text)
                self.constraints = False

    def version_ok(self, hypervisor_version):
        if not self.version_text or not hypervisor_version:
            return True
        if self.constraints is False:
            return False
        return version_satisfies(hypervisor_version, self.constraints)

    def host_ok(self, host_state):
        if not self.any:
            return True
        supported = host_state.supported_instances
        if not supported:
            LOG.debug('%s advertises no supported instances; the image '
                      'needs %s', host_state, self.triple)
            return False
        for item in supported:
            have = [canonical_arch(item[0]) if len(item) > 0 else None,
                    canonical_hv_type(item[1]) if len(item) > 1 else None,
                    canonical_vm_mode(item[2]) if len(item) > 2 else None]
            if all(w is None or w == h for w, h in zip(self.triple, have)):
                if self.version_ok(host_state.hypervisor_version):
                    return True
        LOG.debug('%(host)s does not support the image: it needs %(want)s '
                  'and hypervisor version %(ver)s',
                  {'host': host_state, 'want': self.triple,
                   'ver': self.version_text})
        return False


def _image_props(spec_obj):
    image = spec_obj.image if spec_obj.obj_attr_is_set('image') else None
    if image is None or not image.obj_attr_is_set('properties'):
        return {}
    return image.properties or {}


class ImagePropertiesFilter(filters.BaseHostFilter):
    """Drops hosts whose hypervisor cannot run the requested image."""

    run_filter_once_per_request = True
    # A rebuild with a new image must check the image against the host.
    RUN_ON_REBUILD = True

    def host_passes(self, host_state, spec_obj):
        return _Wanted(_image_props(spec_obj)).host_ok(host_state)

    def filter_all(self, host_states, spec_obj):
        wanted = _Wanted(_image_props(spec_obj))
        if not wanted.any:
            return list(host_states)
        return [hs for hs in host_states if wanted.host_ok(hs)]
