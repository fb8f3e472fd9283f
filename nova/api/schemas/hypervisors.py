"""Query parameters of os-hypervisors."""

from nova.api import microversions as mv
from nova.api.schemas import types
from nova.api import validation


def list_query(version):
    """GET /os-hypervisors and /os-hypervisors/detail: loose before 2.33,
    strict (paging) from then on."""
    props = {}
    if version >= mv.MV_HYPERVISOR_PAGING:
        props.update(limit=types.non_negative_integer,
                     marker={'type': 'string'})
    if version >= mv.MV_UUID_IDS:
        props.update(hypervisor_hostname_pattern={'type': 'string',
                                                  'minLength': 1},
                     with_servers=types.boolean)
    return validation.query_schema(props,
                                   strict=version >= mv.MV_HYPERVISOR_PAGING)


def show_query(version):
    """GET /os-hypervisors/{id}: with_servers (strict) from 2.53."""
    return validation.query_schema(
        {'with_servers': types.boolean} if version >= mv.MV_UUID_IDS
        else {}, strict=version >= mv.MV_UUID_IDS)
