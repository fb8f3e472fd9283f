"""JSON schemas of the placement request bodies, one module per resource
as in nova.placement.handlers; a function takes the request to read its
microversion."""
