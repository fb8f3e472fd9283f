"""[quota]: the default limits of every project and how they are enforced."""

from oslo_config import cfg

quota_group = cfg.OptGroup(
    'quota', title='Quota options',
    help='Limits on the resources a project (or a user of a project) may '
         'hold. Values here are the defaults; the "default" quota class '
         'and per-project or per-user quotas set through the API override '
         'them. -1 means unlimited.')

quota_opts = [
    cfg.IntOpt('instances', min=-1, default=10,
               help='Servers a project may have.'),
    cfg.IntOpt('cores', min=-1, default=20,
               help='Virtual CPUs a project may have across its servers.'),
    cfg.IntOpt('ram', min=-1, default=50 * 1024,
               help='Megabytes of memory a project may have across its '
                    'servers.'),
    cfg.IntOpt('metadata_items', min=-1, default=128,
               help='Metadata items a server may carry.'),
    cfg.IntOpt('injected_files', min=-1, default=5,
               help='Files that may be injected into a server (the '
                    'personality of API versions before 2.57).'),
    cfg.IntOpt('injected_file_content_bytes', min=-1, default=10 * 1024,
               help='Bytes of content an injected file may have.'),
    cfg.IntOpt('injected_file_path_length', min=-1, default=255,
               help='Characters the path of an injected file may have.'),
    cfg.IntOpt('key_pairs', min=-1, default=100,
               help='Key pairs a user may have.'),
    cfg.IntOpt('server_groups', min=-1, default=10,
               help='Server groups a project may have.'),
    cfg.IntOpt('server_group_members', min=-1, default=10,
               help='Servers a user may have in one server group.'),
    cfg.StrOpt('driver', default='nova.quota.DbQuotaDriver',
               choices=[('nova.quota.DbQuotaDriver',
                         'Limits from the API database, usage counted '
                         'from the resources.'),
                        ('nova.quota.NoopQuotaDriver',
                         'No limits at all.')],
               help='How limits are stored and enforced.'),
    cfg.BoolOpt('recheck_quota', default=True,
                help='Count again after the resources of a request are '
                     'recorded and undo the request if that went over a '
                     'limit. This is what keeps concurrent requests from '
                     'exceeding a quota together.'),
]


def register_opts(conf):
    conf.register_group(quota_group)
    conf.register_opts(quota_opts, group=quota_group)


def list_opts():
    return {quota_group: quota_opts}
