"""Default quota values, reported by GET /limits until quotas exist.

The numbers are the upstream defaults of the [quota] options.
"""

DEFAULTS = {
    'instances': 10,
    'cores': 20,
    'ram': 51200,
    'metadata_items': 128,
    'injected_files': 5,
    'injected_file_content_bytes': 10240,
    'injected_file_path_bytes': 255,
    'key_pairs': 100,
    'server_groups': 10,
    'server_group_members': 10,
    # Network proxy quotas, shown before microversion 2.36.
    'floating_ips': 10,
    'security_groups': 10,
    'security_group_rules': 20,
}
