"""Is the message broker or the database server of a deployment there?"""

import os
import socket
import urllib.parse

DEFAULT_RABBIT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'
DEFAULT_MYSQL_URL = 'mysql+pymysql://root@127.0.0.1:3306'


def _tcp_open(host, port, timeout):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _broker(transport_url):
    """(host, port, amqp URL for kombu) of the first host of a rabbit://
    transport URL, or None for another transport."""
    parsed = urllib.parse.urlsplit(transport_url)
    if parsed.scheme not in ('rabbit', 'amqp'):
        return None
    netloc = parsed.netloc.split(',')[0]
    hostport = netloc.rpartition('@')[2]
    host, _sep, port = hostport.partition(':')
    host = host or '127.0.0.1'
    port = int(port or 5672)
    userinfo = netloc.rpartition('@')[0]
    amqp_url = urllib.parse.urlunsplit(
        ('amqp', (userinfo + '@' if userinfo else '') + '%s:%d' % (host, port),
         parsed.path or '/', '', ''))
    return host, port, amqp_url


def port_in_use(port, host='127.0.0.1'):
    """True if something already listens on ``host:port``."""
    return _tcp_open(host, port, 1.0)


def rabbit_answers(transport_url, timeout=2.0):
    """True if an AMQP broker at ``transport_url`` accepts a login.

    Only the first host of the URL is tried. A closed port answers at
    once; a broker that refuses the credentials counts as absent, since
    the services could not use it either.
    """
    broker = _broker(transport_url)
    if broker is None:
        return False
    host, port, amqp_url = broker
    if not _tcp_open(host, port, timeout):
        return False
    # A listening port is not enough: log in, as a service would.
    import kombu
    conn = kombu.Connection(amqp_url, connect_timeout=timeout)
    try:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception:
        return False
    finally:
        conn.release()


def queue_consumers(transport_url, queue, timeout=5.0):
    """How many consumers read ``queue`` on the virtual host of
    ``transport_url``: None when there is no such queue (or the broker
    does not let us look). A passive declare only asks; it never makes
    the queue."""
    broker = _broker(transport_url)
    if broker is None:
        return None
    import kombu
    conn = kombu.Connection(broker[2], connect_timeout=timeout)
    try:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        channel = conn.channel()
        try:
            return channel.queue_declare(queue=queue, passive=True)[2]
        except conn.channel_errors:
            # 404 NOT_FOUND: nobody ever served that topic here.
            return None
        finally:
            try:
                channel.close()
            except Exception:
                pass
    except Exception:
        return None
    finally:
        conn.release()


def rabbit_vhost(transport_url):
    """The virtual host a rabbit:// URL names ("/" when none)."""
    path = urllib.parse.urlsplit(transport_url).path
    return urllib.parse.unquote(path[1:]) if len(path) > 1 else '/'


def rabbit_user(transport_url):
    netloc = urllib.parse.urlsplit(transport_url).netloc.split(',')[0]
    userinfo = netloc.rpartition('@')[0]
    return urllib.parse.unquote(userinfo.partition(':')[0]) or 'guest'


def with_rabbit_vhost(transport_url, vhost):
    """``transport_url`` on virtual host ``vhost`` instead."""
    parsed = urllib.parse.urlsplit(transport_url)
    return urllib.parse.urlunsplit(
        (parsed.scheme, parsed.netloc,
         '/' + urllib.parse.quote(vhost, safe=''), parsed.query,
         parsed.fragment))


def mysql_answers(server_url=DEFAULT_MYSQL_URL, timeout=2.0):
    """True if the MySQL/MariaDB server at ``server_url`` (a SQLAlchemy
    URL without a database) lets us in."""
    import sqlalchemy as sa
    url = sa.engine.make_url(server_url)
    if not _tcp_open(url.host or '127.0.0.1', url.port or 3306, timeout):
        return False
    engine = sa.create_engine(url, connect_args={'connect_timeout':
                                                 int(max(timeout, 1))})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text('SELECT 1'))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def _rabbitmqctl(*args, timeout=60):
    import shutil
    import subprocess
    exe = shutil.which('rabbitmqctl') or (
        '/usr/sbin/rabbitmqctl' if os.path.exists('/usr/sbin/rabbitmqctl')
        else None)
    if exe is None:
        return False
    try:
        result = subprocess.run([exe, '-q'] + list(args),
                                capture_output=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def mask_url(url):
    """``url`` with its password hidden, for messages."""
    parsed = urllib.parse.urlsplit(url)
    userinfo, sep, hostport = parsed.netloc.rpartition('@')
    if not sep or ':' not in userinfo:
        return url
    netloc = userinfo.partition(':')[0] + ':***@' + hostport
    return urllib.parse.urlunsplit(parsed._replace(netloc=netloc))


def add_rabbit_vhost(vhost, user='guest'):
    """Create a RabbitMQ virtual host open to ``user``; False if this
    machine's rabbitmqctl cannot (not installed, not root)."""
    return (_rabbitmqctl('add_vhost', vhost) and
            _rabbitmqctl('set_permissions', '-p', vhost, user,
                         '.*', '.*', '.*'))


def delete_rabbit_vhost(vhost):
    return _rabbitmqctl('delete_vhost', vhost)
