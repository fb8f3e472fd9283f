"""Handlers of the server actions, one module per family; importing this
package registers them all with nova.api.controllers.server_actions."""

from nova.api.controllers.actions import basic  # noqa: F401
from nova.api.controllers.actions import consoles  # noqa: F401
from nova.api.controllers.actions import images  # noqa: F401
from nova.api.controllers.actions import live  # noqa: F401
from nova.api.controllers.actions import move  # noqa: F401
from nova.api.controllers.actions import network  # noqa: F401
