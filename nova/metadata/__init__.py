"""The metadata service and the config drive: what a guest learns about
itself (see content.py)."""
