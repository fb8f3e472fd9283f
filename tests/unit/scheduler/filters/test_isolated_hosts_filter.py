import pytest

from nova.scheduler.filters import isolated_hosts_filter as ihf
from tests.unit.scheduler import fakes

ISO_IMAGE = 'a7b2c5a1-1111-4f1b-9a3d-2d5c7e0f0001'
OTHER_IMAGE = 'a7b2c5a1-1111-4f1b-9a3d-2d5c7e0f0002'


@pytest.mark.parametrize('restrict,host,image,expected', [
    (True, 'iso', ISO_IMAGE, True),
    (True, 'iso', OTHER_IMAGE, False),
    (True, 'plain', ISO_IMAGE, False),
    (True, 'plain', OTHER_IMAGE, True),
    (True, 'iso', None, False),
    (False, 'iso', ISO_IMAGE, True),
    (False, 'iso', OTHER_IMAGE, True),
    (False, 'plain', ISO_IMAGE, False),
    (False, 'plain', OTHER_IMAGE, True),
])
def test_isolation_matrix(conf, restrict, host, image, expected):
    conf.config(isolated_images=[ISO_IMAGE], isolated_hosts=['iso'],
                restrict_isolated_hosts_to_isolated_images=restrict,
                group='filter_scheduler')
    assert fakes.passes(ihf.IsolatedHostsFilter(), fakes.host(host),
                        fakes.spec(image_id=image)) is expected


def test_without_isolated_images(conf):
    conf.config(isolated_hosts=['iso'], group='filter_scheduler')
    f = ihf.IsolatedHostsFilter()
    assert not fakes.passes(f, fakes.host('iso'), fakes.spec())
    assert fakes.passes(f, fakes.host('plain'), fakes.spec())
    conf.config(restrict_isolated_hosts_to_isolated_images=False,
                group='filter_scheduler')
    assert fakes.passes(f, fakes.host('iso'), fakes.spec())


def test_nothing_configured_passes_everyone():
    assert fakes.passes(ihf.IsolatedHostsFilter(), fakes.host('x'),
                        fakes.spec(image_id=OTHER_IMAGE))
