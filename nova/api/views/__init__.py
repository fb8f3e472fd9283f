"""Turning objects into response bodies, one module per resource."""
