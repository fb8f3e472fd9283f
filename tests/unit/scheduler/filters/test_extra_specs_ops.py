import pytest

from nova.scheduler.filters import extra_specs_ops


@pytest.mark.parametrize('value,req,expected', [
    ('1', '1', True), ('1', '2', False), ('abc', 'abc', True),
    ('123', '= 123', True), ('124', '= 123', True), ('122', '= 123', False),
    ('12', '== 12', True), ('12.0', '== 12', True), ('13', '== 12', False),
    ('13', '!= 12', True), ('12', '!= 12', False),
    ('12', '>= 12', True), ('11', '>= 12', False),
    ('12', '<= 12', True), ('13', '<= 12', False),
    ('abc', 's== abc', True), ('abd', 's== abc', False),
    ('abd', 's!= abc', True), ('abc', 's!= abc', False),
    ('abb', 's< abc', True), ('abc', 's< abc', False),
    ('abc', 's<= abc', True), ('abd', 's<= abc', False),
    ('abd', 's> abc', True), ('abc', 's> abc', False),
    ('abc', 's>= abc', True), ('abb', 's>= abc', False),
    ('my aes cpu', '<in> aes', True), ('my cpu', '<in> aes', False),
    ('aes sse avx', '<all-in> aes avx', True),
    ('aes sse', '<all-in> aes avx', False),
    ('b', '<or> a <or> b <or> c', True), ('d', '<or> a <or> b', False),
    ('x', '<all-in>', False), ('x', '= ', False),
    ('abc', '>= 12', False),           # not a number: no match
    (None, '>= 12', False), (None, '<or> a', False),
])
def test_match(value, req, expected):
    assert extra_specs_ops.match(value, req) is expected
