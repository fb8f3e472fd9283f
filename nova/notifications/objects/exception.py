"""The fault of an error notification."""

import inspect
import traceback as tb

from oslo_versionedobjects import fields

from nova.notifications.objects import base


def _origin(exc):
    """(module name, function name) of where ``exc`` was raised."""
    frames = tb.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    if not frames:
        return 'unknown', 'unknown'
    tb_obj = exc.__traceback__
    while tb_obj.tb_next is not None:
        tb_obj = tb_obj.tb_next
    module = inspect.getmodule(tb_obj.tb_frame)
    return (module.__name__ if module else 'unknown',
            tb_obj.tb_frame.f_code.co_name)


@base.NotificationObjectRegistry.register
class ExceptionPayload(base.NotificationPayloadBase):
    # Version 1.0: Initial version
    # Version 1.1: traceback
    VERSION = '1.1'

    fields = {
        'module_name': fields.StringField(),
        'function_name': fields.StringField(),
        'exception': fields.StringField(),
        'exception_message': fields.StringField(),
        'traceback': fields.StringField(),
    }

    def __init__(self, module_name, function_name, exception,
                 exception_message, traceback):
        super().__init__()
        self.module_name = module_name
        self.function_name = function_name
        self.exception = exception
        self.exception_message = exception_message
        self.traceback = traceback

    @classmethod
    def from_exception(cls, exc):
        module_name, function_name = _origin(exc)
        message = getattr(exc, 'format_message', None)
        message = message() if callable(message) else str(exc)
        return cls(module_name=module_name, function_name=function_name,
                   exception=type(exc).__name__,
                   exception_message=message,
                   traceback=''.join(tb.format_exception(
                       type(exc), exc, exc.__traceback__)))


@base.NotificationObjectRegistry.register
class ExceptionNotification(base.NotificationBase):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'payload': fields.ObjectField('ExceptionPayload')}
