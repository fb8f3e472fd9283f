"""A compute control plane in the shape of OpenStack Compute (Nova)."""
