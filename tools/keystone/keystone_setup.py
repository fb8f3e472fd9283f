"""Keystone's configuration and first set-up in a state directory.

Runs with the Python of the Keystone virtualenv (where keystone-manage is)::

    keystone_setup.py init STATE_DIR URL ADMIN_PASSWORD [TOKEN_EXPIRATION]

writes STATE_DIR/keystone.conf (SQLite in STATE_DIR, fernet tokens, log in
STATE_DIR/log/keystone.log), then ``keystone-manage db_sync``,
``fernet_setup``, ``credential_setup`` and ``bootstrap``: user and project
"admin" with the admin role, the roles reader, member, manager, admin and
service with the implications admin > manager > member > reader, region
RegionOne and the identity endpoints at URL.

Idempotent: on an existing state directory it keeps the database and the
keys (bootstrap sets the admin password again).
"""

import grp
import os
import pwd
import subprocess
import sys

# Password hashing costs 2**rounds: Keystone's default (12) takes a
# quarter of a second of CPU per password check, which a test suite that
# asks for hundreds of tokens on two cores feels. 4 is bcrypt's minimum;
# this Keystone is for local tests only.
PASSWORD_HASH_ROUNDS = 4


def _keystone_manage():
    return os.path.join(os.path.dirname(sys.executable), 'keystone-manage')


def conf_path(state_dir):
    return os.path.join(state_dir, 'keystone.conf')


def write_conf(state_dir, token_expiration=28800):
    for sub in ('fernet-keys', 'credential-keys', 'log'):
        os.makedirs(os.path.join(state_dir, sub), exist_ok=True)
    text = '\n'.join([
        '[DEFAULT]',
        'log_file = %s' % os.path.join(state_dir, 'log', 'keystone.log'),
        'debug = false',
        '[database]',
        'connection = sqlite:///%s' % os.path.join(state_dir,
                                                   'keystone.sqlite'),
        '[identity]',
        'password_hash_rounds = %d' % PASSWORD_HASH_ROUNDS,
        '[token]',
        'provider = fernet',
        'expiration = %d' % token_expiration,
        '[fernet_tokens]',
        'key_repository = %s' % os.path.join(state_dir, 'fernet-keys'),
        '[credential]',
        'key_repository = %s' % os.path.join(state_dir, 'credential-keys'),
        # Validating a token takes hundreds of SQL queries without the
        # cache (seconds on a loaded two-core machine). An in-memory cache
        # is only coherent within one process: setup.sh runs a single
        # gunicorn worker with threads.
        '[cache]',
        'enabled = true',
        'backend = oslo_cache.dict',
        'expiration_time = 600',
        '',
    ])
    with open(conf_path(state_dir), 'w') as f:
        f.write(text)


def manage(state_dir, *args):
    argv = [_keystone_manage(), '--config-file', conf_path(state_dir)]
    argv += list(args)
    subprocess.run(argv, check=True)


def init(state_dir, url, admin_password, token_expiration=28800):
    write_conf(state_dir, token_expiration)
    manage(state_dir, 'db_sync')
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    if not os.path.exists(os.path.join(state_dir, 'fernet-keys', '0')):
        manage(state_dir, 'fernet_setup', '--keystone-user', user,
               '--keystone-group', group)
    if not os.path.exists(os.path.join(state_dir, 'credential-keys', '0')):
        manage(state_dir, 'credential_setup', '--keystone-user', user,
               '--keystone-group', group)
    # Keystone warns on every token while its keys are world readable.
    for sub in ('fernet-keys', 'credential-keys'):
        os.chmod(os.path.join(state_dir, sub), 0o700)
    # Keystone 2024.2 and newer create all five roles and the
    # implications; identity.py ensure_roles() checks them once it runs.
    manage(state_dir, 'bootstrap',
           '--bootstrap-password', admin_password,
           '--bootstrap-admin-url', url,
           '--bootstrap-internal-url', url,
           '--bootstrap-public-url', url,
           '--bootstrap-region-id', 'RegionOne')


def main(argv):
    if len(argv) in (5, 6) and argv[1] == 'init':
        expiration = int(argv[5]) if len(argv) == 6 else 28800
        init(os.path.abspath(argv[2]), argv[3], argv[4], expiration)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
