"""HTTP handlers of the Placement API, one module per resource.

A handler takes a webob request (with ``urlvars``, the negotiated
microversion and the database in its environ) and returns a response;
failures are raised as nova.placement.errors exceptions.
"""
