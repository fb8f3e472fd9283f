"""Microversions of the Placement API and their negotiation.

A request picks its version with ``OpenStack-API-Version: placement X.Y``
(or ``latest``); without the header it gets the minimum. Every response
says which version answered it. Each version below names what it changed.
"""

import re

from nova.placement import errors

SERVICE_TYPE = 'placement'
HEADER = 'OpenStack-API-Version'
ENV_VERSION = 'placement.microversion'

VERSIONS = (
    '1.0',   # the initial API
    '1.1',   # resource provider aggregates
    '1.2',   # custom resource classes
    '1.3',   # member_of on GET /resource_providers
    '1.4',   # resources filter on GET /resource_providers
    '1.5',   # DELETE all inventories of a provider
    '1.6',   # traits
    '1.7',   # PUT /resource_classes/{name} creates, without a body
    '1.8',   # project_id and user_id required when writing allocations
    '1.9',   # GET /usages
    '1.10',  # GET /allocation_candidates
    '1.11',  # allocations link of a resource provider
    '1.12',  # allocations as a dict keyed by provider in PUT/candidates
    '1.13',  # POST /allocations for several consumers at once
    '1.14',  # nested providers: parent/root uuid, in_tree filter
    '1.15',  # last-modified and cache-control headers
    '1.16',  # limit on allocation candidates
    '1.17',  # required traits on allocation candidates
    '1.18',  # required traits on GET /resource_providers
    '1.19',  # provider generation in the aggregates API
    '1.20',  # POST /resource_providers returns the provider
    '1.21',  # member_of on allocation candidates
    '1.22',  # forbidden traits (!TRAIT)
    '1.23',  # error codes in error bodies
    '1.24',  # several member_of parameters
    '1.25',  # granular (numbered) request groups, group_policy
    '1.26',  # reserved may equal total
    '1.27',  # provider summaries list every class of the provider
    '1.28',  # consumer generations
    '1.29',  # nested allocation candidates; summaries give the tree
    '1.30',  # POST /reshaper
    '1.31',  # in_tree on allocation candidates
    '1.32',  # forbidden aggregates (member_of=!...)
    '1.33',  # request group suffixes may be strings
    '1.34',  # mappings in allocation requests
    '1.35',  # root_required on allocation candidates
    '1.36',  # same_subtree; resourceless request groups
    '1.37',  # re-parenting and un-parenting of providers
    '1.38',  # consumer types
    '1.39',  # required=in:A,B (any of several traits)
)


def parse(text):
    major, minor = text.split('.')
    return int(major), int(minor)


MIN = parse(VERSIONS[0])
MAX = parse(VERSIONS[-1])
MIN_STR = VERSIONS[0]
MAX_STR = VERSIONS[-1]

_VERSION_RE = re.compile(r'^([1-9]\d*|0)\.([1-9]\d*|0)$')


def _header_value(headers):
    raw = headers.get(HEADER)
    if raw is None:
        return None
    for item in raw.split(','):
        parts = item.strip().split(None, 1)
        if len(parts) == 2 and parts[0].lower() == SERVICE_TYPE:
            return parts[1].strip()
    return None


def negotiate(headers):
    """The version tuple a request asks for; raises 400 on a malformed
    value and 406 on one outside MIN..MAX."""
    value = _header_value(headers)
    if value is None:
        return MIN
    if value.lower() == 'latest':
        return MAX
    match = _VERSION_RE.match(value)
    if not match:
        raise errors.BadRequest('invalid version string: %s' % value)
    version = (int(match.group(1)), int(match.group(2)))
    if version < MIN or version > MAX:
        raise errors.NotAcceptable(
            'Unacceptable version header: %s' % value)
    return version


def format_version(version):
    return '%d.%d' % version


def of(req):
    return req.environ.get(ENV_VERSION, MIN)


_PARSED = {text: parse(text) for text in VERSIONS}


def at_least(req, minimum):
    """Whether the request's version is ``minimum`` ("1.14") or newer."""
    return req.environ.get(ENV_VERSION, MIN) >= _PARSED[minimum]
