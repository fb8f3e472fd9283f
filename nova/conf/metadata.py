"""The metadata service ([metadata_api], metadata options of [api]) and
the config drive ([DEFAULT])."""

from oslo_config import cfg

metadata_api_group = cfg.OptGroup(
    'metadata_api', title='Metadata API server options',
    help='How nova-metadata-api serves HTTP.')

metadata_api_opts = [
    cfg.HostAddressOpt('bind_host',
                       default='0.0.0.0',
                       help='Address nova-metadata-api listens on. Neutron\'s '
                            'metadata agent (or the guests themselves, '
                            'without it) must reach it there.'),
    cfg.PortOpt('bind_port',
                default=8775,
                help='Port nova-metadata-api listens on.'),
    cfg.IntOpt('workers',
               default=1, min=1,
               help='HTTP worker processes of nova-metadata-api.'),
    cfg.IntOpt('threads',
               default=8, min=1,
               help='Threads per HTTP worker process.'),
    cfg.IntOpt('keepalive_timeout',
               default=75, min=0,
               help='Seconds an idle keep-alive connection stays open; 0 '
                    'turns keep-alive off.'),
]

# Upstream keeps these in [api]; operators' configs carry them there.
api_metadata_opts = [
    cfg.IntOpt('metadata_cache_expiration',
               default=15, min=0,
               help='Seconds the metadata service keeps a server\'s '
                    'metadata before asking the conductor again; guests '
                    'poll, and each poll would otherwise be several RPC '
                    'calls. 0 turns the cache off.'),
    cfg.StrOpt('dhcp_domain',
               default='novalocal',
               help='Domain appended to a server\'s hostname in the '
                    'metadata ("hostname" of meta_data.json, EC2 '
                    'hostname). Empty for the bare hostname.'),
    cfg.BoolOpt('use_forwarded_for',
                default=False,
                help='Take the requester\'s address from X-Forwarded-For '
                     'when the metadata service is reached through a proxy '
                     'that is not Neutron\'s signed one. Only behind a '
                     'proxy you trust: a guest could otherwise claim '
                     'another\'s address.'),
    cfg.ListOpt('vendordata_providers',
                default=['StaticJSON'],
                item_type=cfg.types.String(choices=[
                    ('StaticJSON', 'the file of vendordata_jsonfile_path'),
                    ('DynamicJSON', 'the services of '
                     'vendordata_dynamic_targets')]),
                help='Sources of vendor_data2.json, in order.'),
    cfg.StrOpt('vendordata_jsonfile_path',
               help='JSON file served as vendor_data.json (and "static" in '
                    'vendor_data2.json).'),
    cfg.ListOpt('vendordata_dynamic_targets',
                default=[],
                help='Services that DynamicJSON asks for vendor data, each '
                     'as name@url; the service is POSTed a JSON description '
                     'of the server and its answer is served under "name" '
                     'in vendor_data2.json.'),
    cfg.StrOpt('vendordata_dynamic_ssl_certfile',
               default='',
               help='Certificate file or CA bundle that the HTTPS '
                    'certificates of the dynamic vendordata services are '
                    'verified against; empty for the system\'s CAs.'),
    cfg.IntOpt('vendordata_dynamic_connect_timeout',
               default=5, min=3,
               help='Seconds to connect to a dynamic vendordata service.'),
    cfg.IntOpt('vendordata_dynamic_read_timeout',
               default=5, min=0,
               help='Seconds to wait for a dynamic vendordata service\'s '
                    'answer.'),
    cfg.BoolOpt('vendordata_dynamic_failure_fatal',
                default=False,
                help='Fail the metadata request (and the config drive) '
                     'when a dynamic vendordata service fails, instead of '
                     'leaving its entry out.'),
    cfg.StrOpt('config_drive_skip_versions',
               default=('1.0 2007-01-19 2007-03-01 2007-08-29 2007-10-10 '
                        '2007-12-15 2008-02-01 2008-09-01'),
               help='EC2 metadata versions, separated by spaces, left out '
                    'of config drives.'),
]

config_drive_opts = [
    cfg.BoolOpt('force_config_drive',
                default=False,
                help='Build a config drive for every server, whether or not '
                     'the request asked for one.'),
    cfg.StrOpt('config_drive_format',
               default='iso9660',
               choices=[('iso9660', 'an ISO 9660 image labelled config-2'),
                        ('vfat', 'a FAT image labelled config-2, for '
                         'guests or hypervisors that cannot read a '
                         'cdrom')],
               help='File system of config drives.'),
]


def register_opts(conf):
    conf.register_group(metadata_api_group)
    conf.register_opts(metadata_api_opts, group=metadata_api_group)
    conf.register_opts(api_metadata_opts, group='api')
    conf.register_opts(config_drive_opts)


def list_opts():
    return {metadata_api_group: metadata_api_opts,
            'api': api_metadata_opts,
            'DEFAULT': config_drive_opts}
