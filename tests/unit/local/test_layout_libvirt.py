"""The configuration files of a deployment with libvirt computes."""

import configparser

import pytest

from nova.local import layout


def _parse(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


def _files(tmp_path, **kwargs):
    settings = layout.Settings(state_dir=str(tmp_path), db_prefix='nova_x1',
                               computes=('lv1', 'lv2'), **kwargs)
    return settings, {name: _parse(text) for name, text in
                      layout.config_files(settings).items()}


def test_fake_is_the_default(tmp_path):
    _settings, files = _files(tmp_path)
    compute = files['nova-compute-lv1']
    assert compute['DEFAULT']['compute_driver'] == 'fake'
    assert not compute.has_section('libvirt')


def test_libvirt_computes(tmp_path):
    settings, files = _files(tmp_path, compute_driver='libvirt',
                             libvirt_uri='qemu:///session',
                             libvirt_virt_type='kvm')
    for host in ('lv1', 'lv2'):
        compute = files['nova-compute-' + host]
        assert compute['DEFAULT']['compute_driver'] == 'libvirt'
        libvirt = compute['libvirt']
        assert {k: libvirt[k] for k in ('virt_type', 'connection_uri',
                                        'instances_path')} == {
            'virt_type': 'kvm', 'connection_uri': 'qemu:///session',
            'instances_path': str(tmp_path / 'instances' / host)}
        assert compute['vnc']['server_listen'] == '127.0.0.1'
    assert not files['nova-conductor'].has_section('libvirt')
    # The settings survive deployment.json.
    again = layout.Settings.from_dict(settings.to_dict())
    assert again.compute_driver == 'libvirt'
    assert again.libvirt_virt_type == 'kvm'


def test_libvirt_in_one_process(tmp_path):
    settings = layout.Settings(state_dir=str(tmp_path),
                               compute_driver='libvirt')
    conf = _parse(layout.all_in_one_config(settings))
    assert conf['DEFAULT']['compute_driver'] == 'libvirt'
    assert conf['libvirt']['virt_type'] == 'qemu'
    assert conf['libvirt']['instances_path'] == str(tmp_path / 'instances')


def test_unknown_driver_refused(tmp_path):
    with pytest.raises(ValueError):
        layout.Settings(state_dir=str(tmp_path), compute_driver='xen')
