"""The server password in system metadata (nova.metadata.password)."""

import pytest

from nova.metadata import password


def test_chunks_cut_the_password_in_four_parts():
    text = 'a' * 255 + 'b' * 255 + 'c' * 10
    assert password.chunks(text) == {
        'password_0': 'a' * 255, 'password_1': 'b' * 255,
        'password_2': 'c' * 10, 'password_3': ''}
    assert password.extract(password.chunks(text)) == text


def test_no_password_clears_every_part():
    assert password.chunks(None) == dict.fromkeys(password.KEYS, '')
    assert password.extract(password.chunks(None)) is None
    assert password.extract({}) is None
    assert password.extract(None) is None


def test_the_longest_password_fits_and_one_more_does_not():
    longest = 'x' * password.MAX_SIZE
    assert password.MAX_SIZE == 1020
    assert password.extract(password.chunks(longest)) == longest
    with pytest.raises(password.PasswordTooLong):
        password.chunks(longest + 'x')
    with pytest.raises(password.PasswordTooLong):
        password.chunks(longest.encode() + b'x')


def test_posted_bytes_count_as_bytes_and_must_be_utf8():
    # 510 two-byte characters: 1020 bytes, kept.
    assert password.extract(password.chunks(('é' * 510).encode())) == \
        'é' * 510
    with pytest.raises(password.PasswordTooLong):
        password.chunks(('é' * 511).encode())
    with pytest.raises(password.InvalidPassword):
        password.chunks(b'\xff\xfe')


def test_clear_keeps_the_rest_of_the_system_metadata():
    sysmeta = dict(password.chunks('secret'), image_os='linux')
    cleared = password.clear(sysmeta)
    assert cleared['image_os'] == 'linux'
    assert password.extract(cleared) is None
    assert password.extract(sysmeta) == 'secret'


class _Instance:
    def __init__(self, system_metadata):
        self.system_metadata = system_metadata
        self.saved = 0

    def save(self):
        self.saved += 1


def test_store_saves_once_and_refuses_a_second_password():
    inst = _Instance({'image_os': 'linux'})
    password.store(inst, b'encrypted==')
    assert inst.saved == 1
    assert password.extract(inst.system_metadata) == 'encrypted=='
    assert inst.system_metadata['image_os'] == 'linux'
    with pytest.raises(password.PasswordAlreadySet):
        password.store(inst, b'another')
    assert inst.saved == 1
    assert password.extract(inst.system_metadata) == 'encrypted=='
