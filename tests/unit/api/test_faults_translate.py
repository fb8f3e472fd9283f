"""faults.translate: the few errors whose status depends on where they
happen answer the status and message their handler declares."""

import json

import pytest

from nova.api import faults
from nova import exception


def _answer(exc):
    resp = faults.from_exception(exc)
    return resp.status_int, json.loads(resp.body)


def _raised_through(exc, *rules):
    with pytest.raises(Exception) as info:
        with faults.translate(*rules):
            raise exc
    return info.value


def test_matching_error_keeps_its_message_with_the_new_status():
    raised = _raised_through(exception.ImageNotFound(image_id='i'),
                             (exception.ImageNotFound, 400))
    assert _answer(raised) == (400, {'badRequest': {
        'code': 400, 'message': 'Image i could not be found.'}})


def test_given_message_replaces_the_errors_own():
    raised = _raised_through(exception.FlavorNotFound(flavor_id='7'),
                             (exception.FlavorNotFound, 400,
                              'Unable to locate requested flavor.'))
    assert _answer(raised)[1]['badRequest']['message'] == \
        'Unable to locate requested flavor.'


def test_callable_message_is_given_the_error():
    raised = _raised_through(
        exception.NoValidHost(reason='none left'),
        (exception.NoValidHost, 400,
         lambda exc: 'Bad: %s' % exc.format_message()))
    assert _answer(raised)[1]['badRequest']['message'] == \
        'Bad: No valid host was found. none left'


def test_first_matching_rule_wins_as_except_clauses_do():
    raised = _raised_through(
        exception.KeypairNotFound(name='k', user_id='u'),
        (exception.KeypairNotFound, 400, 'Invalid key_name provided.'),
        (exception.NotFound, 400))
    assert _answer(raised)[1]['badRequest']['message'] == \
        'Invalid key_name provided.'


def test_other_errors_go_on_unchanged():
    original = exception.InstanceNotFound(instance_id='x')
    raised = _raised_through(original, (exception.ImageNotFound, 400))
    assert raised is original
    assert _answer(raised)[0] == 404


def test_not_implemented_answers_501():
    raised = _raised_through(NotImplementedError(),
                             (NotImplementedError, 501, 'Not here.'))
    assert _answer(raised) == (501, {'notImplemented': {
        'code': 501, 'message': 'Not here.'}})
