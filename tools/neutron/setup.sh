#!/usr/bin/env bash
# A real Neutron (ML2/Open vSwitch, userspace datapath) for tests, CI and
# nova-local. Needs root (no sudo is used), RabbitMQ, MariaDB and a Keystone
# (tools/keystone/setup.sh). See tools/neutron/README.md.
#
#   tools/neutron/setup.sh install    the Debian packages that are missing
#                                     and a virtualenv with Neutron, gunicorn
#                                     and PyMySQL
#   tools/neutron/setup.sh start [--fresh]
#                                     install if needed; Open vSwitch and its
#                                     bridges, the RabbitMQ vhost, the
#                                     database (migrated), the Keystone users
#                                     and endpoints, then the API, the RPC
#                                     server, the agents and the fake L2
#                                     agent; returns once every agent is
#                                     alive. --fresh drops the database and
#                                     wipes the state (and the OVS bridges
#                                     and namespaces of an earlier run) first
#   tools/neutron/setup.sh stop       stop every process start started (the
#                                     agents by process group, dnsmasq and
#                                     haproxy too; Open vSwitch if start
#                                     started it)
#   tools/neutron/setup.sh status     exit 0 when every process runs, the
#                                     API answers and the agents are alive
#   tools/neutron/setup.sh env        shell lines: NEUTRON_URL,
#                                     NEUTRON_FAKE_VIF_DIR, NEUTRON_NOVA_USER
#                                     and _PASSWORD, NOVA_TEST_NEUTRON_URL...
#   tools/neutron/setup.sh fake-agent HOST...
#                                     (re)start only the fake L2 agent, for
#                                     these hosts (names or comma lists)
#
# Processes (pid files in $NEUTRON_STATE_DIR/run, logs in .../log): gunicorn
# serving the API, neutron-rpc-server (the API starts no RPC consumers),
# neutron-openvswitch-agent, neutron-dhcp-agent, neutron-metadata-agent,
# neutron-l3-agent (when iptables works here), fake_l2_agent.py.
#
# Environment (defaults):
#   NEUTRON_VENV              virtualenv           (<repo>/.neutron-venv)
#   NEUTRON_STATE_DIR         state directory      (<repo>/.neutron-state)
#   NEUTRON_VERSION           from PyPI            (29.0.0)
#   NEUTRON_PORT              API on 127.0.0.1     (19696)
#   NEUTRON_API_WORKERS       gunicorn workers     (1; ~150 MB each)
#   NEUTRON_API_THREADS       threads per worker   (4)
#   NEUTRON_DB_NAME           MariaDB database     (neutron)
#   NEUTRON_DB_HOST / _PORT / _USER / _PASSWORD    (127.0.0.1 / 3306 / root /
#                                                   empty)
#   NEUTRON_RABBIT_HOST / _PORT / _USER / _PASSWORD  (127.0.0.1 / 5672 /
#                                                   guest / guest)
#   NEUTRON_RABBIT_VHOST      vhost of its own     (neutron; made with
#                                                   rabbitmqctl if missing)
#   KEYSTONE_URL              Keystone v3          (http://127.0.0.1:15000/v3)
#   KEYSTONE_ADMIN_PASSWORD   its admin's password (keystone-admin)
#   NEUTRON_REGION            region of endpoints  (RegionOne)
#   NEUTRON_SERVICE_PASSWORD  user "neutron"       (neutron-secret)
#   NEUTRON_NOVA_USER         user for [nova] here (nova) and for nova's
#   NEUTRON_NOVA_PASSWORD     [neutron] auth       (nova-secret)
#   NEUTRON_OVS_AGENT_HOST    host of the real agents, the one libvirt
#                             compute hosts must be named  ($(hostname))
#   NEUTRON_LOCAL_IP          VXLAN endpoint       (127.0.0.1)
#   NEUTRON_FAKE_HOSTS        comma list of fake compute hosts served by
#                             fake_l2_agent.py     (empty: not started)
#   NEUTRON_FAKE_VIF_DIR      <dir>/<host>/<port id> files = plugged VIFs
#                                                  ($NEUTRON_STATE_DIR/fake-vifs)
#   NEUTRON_FAKE_REPORT_INTERVAL  seconds between state reports (10)
#   NEUTRON_NOVA_METADATA_HOST / _PORT  nova's metadata API  (127.0.0.1 / 8775)
#   NEUTRON_METADATA_SECRET   metadata_proxy_shared_secret
#                                                  (neutron-metadata-secret)
#   NEUTRON_L3                auto: the L3 agent runs when iptables works in a
#                             network namespace; 1 / 0 force it (auto)
#   NEUTRON_NETWORKS          1: with L3, make the external network "public"
#                             (is_default, flat physnet1) and a default
#                             subnet pool (1)
#   NEUTRON_PUBLIC_CIDR       its subnet (172.24.4.0/24; .1 is set on br-phys
#                             so that the host reaches floating IPs)
#   NEUTRON_SUBNET_POOL       prefix of the default pool (10.128.0.0/16)
#   NEUTRON_START_TIMEOUT     seconds for the agents to be alive (180)
#   NEUTRON_DEBUG             debug logs           (false)
#   NEUTRON_BASE_PYTHON       Python that builds the virtualenv (python3)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VENV=${NEUTRON_VENV:-$REPO/.neutron-venv}
STATE=${NEUTRON_STATE_DIR:-$REPO/.neutron-state}
VERSION=${NEUTRON_VERSION:-29.0.0}
PORT=${NEUTRON_PORT:-19696}
WORKERS=${NEUTRON_API_WORKERS:-1}
THREADS=${NEUTRON_API_THREADS:-4}
DB_NAME=${NEUTRON_DB_NAME:-neutron}
DB_HOST=${NEUTRON_DB_HOST:-127.0.0.1}
DB_PORT=${NEUTRON_DB_PORT:-3306}
DB_USER=${NEUTRON_DB_USER:-root}
DB_PASSWORD=${NEUTRON_DB_PASSWORD:-}
RABBIT_HOST=${NEUTRON_RABBIT_HOST:-127.0.0.1}
RABBIT_PORT=${NEUTRON_RABBIT_PORT:-5672}
RABBIT_USER=${NEUTRON_RABBIT_USER:-guest}
RABBIT_PASSWORD=${NEUTRON_RABBIT_PASSWORD:-guest}
RABBIT_VHOST=${NEUTRON_RABBIT_VHOST:-neutron}
KEYSTONE_URL=${KEYSTONE_URL:-http://127.0.0.1:${KEYSTONE_PORT:-15000}/v3}
KEYSTONE_ADMIN_PASSWORD=${KEYSTONE_ADMIN_PASSWORD:-keystone-admin}
REGION=${NEUTRON_REGION:-RegionOne}
SERVICE_PASSWORD=${NEUTRON_SERVICE_PASSWORD:-neutron-secret}
NOVA_USER=${NEUTRON_NOVA_USER:-nova}
NOVA_PASSWORD=${NEUTRON_NOVA_PASSWORD:-nova-secret}
OVS_HOST=${NEUTRON_OVS_AGENT_HOST:-$(hostname)}
LOCAL_IP=${NEUTRON_LOCAL_IP:-127.0.0.1}
FAKE_HOSTS=${NEUTRON_FAKE_HOSTS:-}
FAKE_REPORT_INTERVAL=${NEUTRON_FAKE_REPORT_INTERVAL:-10}
NOVA_METADATA_HOST=${NEUTRON_NOVA_METADATA_HOST:-127.0.0.1}
NOVA_METADATA_PORT=${NEUTRON_NOVA_METADATA_PORT:-8775}
METADATA_SECRET=${NEUTRON_METADATA_SECRET:-neutron-metadata-secret}
L3=${NEUTRON_L3:-auto}
NETWORKS=${NEUTRON_NETWORKS:-1}
PUBLIC_CIDR=${NEUTRON_PUBLIC_CIDR:-172.24.4.0/24}
SUBNET_POOL=${NEUTRON_SUBNET_POOL:-10.128.0.0/16}
START_TIMEOUT=${NEUTRON_START_TIMEOUT:-180}
DEBUG=${NEUTRON_DEBUG:-false}
BASE_PYTHON=${NEUTRON_BASE_PYTHON:-python3}

URL=http://127.0.0.1:$PORT
PACKAGES=(openvswitch-switch dnsmasq-base haproxy iproute2 iptables iputils-arping
          conntrack)
OVS_CTL=/usr/share/openvswitch/scripts/ovs-ctl
BRIDGES=(br-int br-tun br-phys)
# Every process start starts, in the order stop stops them.
SERVICES=(fake-agent l3-agent dhcp-agent metadata-agent ovs-agent
          rpc-server api)

export DEBIAN_FRONTEND=noninteractive

log() { echo "== neutron: $*" >&2; }
die() { log "$*"; exit 1; }

paths() {
    RUN=$STATE/run
    LOGDIR=$STATE/log
    ETC=$STATE/etc
    FAKE_VIF_DIR=${NEUTRON_FAKE_VIF_DIR:-$STATE/fake-vifs}
}
paths

# -- installation ----------------------------------------------------------------

missing_packages() {
    local pkg
    for pkg in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
            grep -q 'install ok installed' || echo "$pkg"
    done
    # busybox (or busybox-static, which tools/libvirt installs and which
    # conflicts with it) for udhcpc in the test guests.
    command -v busybox >/dev/null || echo busybox
}

install_packages() {
    local missing
    missing=$(missing_packages)
    [ -z "$missing" ] && return 0
    [ "$(id -u)" = 0 ] || die "root is needed to install: $missing"
    log "installing Debian packages:" $missing
    apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >/dev/null
}

installed() {
    [ -x "$VENV/bin/gunicorn" ] && [ -x "$VENV/bin/neutron-rpc-server" ] &&
    [ "$("$VENV/bin/python" -c 'import importlib.metadata as m, pymysql; print(m.version("neutron"))' 2>/dev/null)" = "$VERSION" ]
}

install_venv() {
    installed && return 0
    log "installing neutron==$VERSION, gunicorn and PyMySQL into $VENV"
    local t0=$SECONDS
    "$BASE_PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check \
        "neutron==$VERSION" gunicorn PyMySQL 2> >(grep -v "is ignored: it is neither" >&2)
    installed || die "the installation in $VENV is incomplete"
    log "installed in $((SECONDS - t0)) s"
}

install() {
    install_packages
    install_venv
}

# -- Open vSwitch ------------------------------------------------------------------

ovs_running() {
    ovs-vsctl --timeout=2 show >/dev/null 2>&1 &&
        ovs-appctl --timeout=2 -t ovs-vswitchd version >/dev/null 2>&1
}

start_ovs() {
    local fresh=$1
    if ! ovs_running; then
        log "starting Open vSwitch"
        "$OVS_CTL" start --system-id=random --no-monitor \
            > "$LOGDIR/ovs-ctl.log" 2>&1 ||
            { tail -20 "$LOGDIR/ovs-ctl.log" >&2; die "ovs-ctl start failed"; }
        touch "$RUN/ovs-started"
    fi
    # Without TSO support the userspace datapath forwards the packets of
    # kernel-side senders (veths, internal ports) with their checksums
    # unfinished: DHCP offers and TCP are dropped, ICMP goes through.
    if [ "$(ovs-vsctl get Open_vSwitch . other_config:userspace-tso-enable \
            2>/dev/null | tr -d '"')" != true ]; then
        log "enabling userspace TSO (restarts ovs-vswitchd)"
        ovs-vsctl set Open_vSwitch . other_config:userspace-tso-enable=true
        "$OVS_CTL" restart --system-id=random --no-monitor \
            > "$LOGDIR/ovs-ctl.log" 2>&1 ||
            { tail -20 "$LOGDIR/ovs-ctl.log" >&2; die "ovs-ctl restart failed"; }
    fi
    ovs-vsctl get-manager | grep -qx 'ptcp:6640:127.0.0.1' ||
        ovs-vsctl set-manager ptcp:6640:127.0.0.1
    local br
    for br in "${BRIDGES[@]}"; do
        [ "$fresh" = 1 ] && ovs-vsctl --if-exists del-br "$br"
        ovs-vsctl --may-exist add-br "$br" -- \
            set bridge "$br" datapath_type=netdev
    done
}

# The host's address on the external network: floating IPs answer it.
public_gateway() {
    "$VENV/bin/python" -c 'import ipaddress, sys
print(next(ipaddress.ip_network(sys.argv[1]).hosts()))' "$PUBLIC_CIDR"
}

host_on_public() {
    local gw prefix
    gw=$(public_gateway)
    prefix=${PUBLIC_CIDR#*/}
    ip link set br-phys up
    ip -4 addr show dev br-phys | grep -q " $gw/$prefix " ||
        ip addr add "$gw/$prefix" dev br-phys
}

# Namespaces left by an earlier run (--fresh only: the database they
# belonged to is gone; start_ovs makes the bridges again, empty).
clean_namespaces() {
    local ns
    for ns in $(ip netns list | awk '{print $1}' |
                grep -E '^(qdhcp|qrouter|snat|fip)-' || true); do
        ip netns delete "$ns" 2>/dev/null || true
    done
}

# -- RabbitMQ, MariaDB, Keystone ---------------------------------------------------

ensure_vhost() {
    local perms
    if perms=$(rabbitmqctl -q list_permissions -p "$RABBIT_VHOST" 2>/dev/null) &&
            printf '%s\n' "$perms" | grep -q "^$RABBIT_USER[[:space:]]"; then
        return 0
    fi
    log "RabbitMQ vhost $RABBIT_VHOST for $RABBIT_USER"
    rabbitmqctl -q add_vhost "$RABBIT_VHOST" >/dev/null 2>&1 || true
    rabbitmqctl -q set_permissions -p "$RABBIT_VHOST" "$RABBIT_USER" \
        '.*' '.*' '.*' >/dev/null
}

mysql_() {
    MYSQL_PWD=$DB_PASSWORD mysql -h "$DB_HOST" -P "$DB_PORT" -u "$DB_USER" \
        --batch --skip-column-names "$@"
}

ensure_database() {
    local fresh=$1 stamp="$VERSION $DB_NAME"
    if [ "$fresh" = 1 ]; then
        log "dropping database $DB_NAME"
        mysql_ -e "DROP DATABASE IF EXISTS \`$DB_NAME\`"
    fi
    if [ -n "$(mysql_ -e "SHOW DATABASES LIKE '$DB_NAME'")" ] &&
            [ "$(cat "$STATE/db.stamp" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    mysql_ -e "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8"
    log "migrating database $DB_NAME"
    "$VENV/bin/neutron-db-manage" --config-file "$ETC/neutron.conf" \
        --config-file "$ETC/ml2_conf.ini" upgrade heads \
        > "$LOGDIR/db-manage.log" 2>&1 ||
        { tail -30 "$LOGDIR/db-manage.log" >&2; die "neutron-db-manage failed"; }
    echo "$stamp" > "$STATE/db.stamp"
}

keystone_answers() {
    "$VENV/bin/python" - "$KEYSTONE_URL" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as resp:
        sys.exit(0 if resp.status == 200 else 1)
except Exception:
    sys.exit(1)
EOF
}

# -- L3 ---------------------------------------------------------------------------

# Exit status 0 when the L3 agent can work here: NAT rules load in a
# network namespace (nf_tables built into the kernel; nothing can be
# loaded as a module).
l3_works() {
    command -v iptables >/dev/null || return 1
    local ns=neutron-l3-probe-$$ ok=0
    ip netns add "$ns" 2>/dev/null || return 1
    ip netns exec "$ns" sh -c '
        iptables -w -t nat -N probe-snat &&
        iptables -w -t nat -A probe-snat -s 10.0.0.0/24 -j SNAT --to-source 192.0.2.1 &&
        iptables -w -t nat -A PREROUTING -d 192.0.2.2/32 -j DNAT --to-destination 10.0.0.2 &&
        iptables -w -t mangle -A PREROUTING -j MARK --set-xmark 0x1/0xffff &&
        iptables -w -t filter -A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT &&
        ip6tables -w -t filter -S >/dev/null &&
        sysctl -qw net.ipv4.ip_forward=1' >/dev/null 2>&1 || ok=1
    ip netns delete "$ns" 2>/dev/null || true
    return $ok
}

l3_enabled() {
    case $L3 in
        1|yes|true) return 0 ;;
        0|no|false) return 1 ;;
        *) l3_works ;;
    esac
}

# -- processes --------------------------------------------------------------------

running_pid() {
    local pidfile=$RUN/$1.pid pid
    [ -f "$pidfile" ] || return 1
    pid=$(cat "$pidfile")
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

# spawn NAME COMMAND...: in a session (and process group) of its own.
spawn() {
    local name=$1
    shift
    setsid "$@" > "$LOGDIR/$name.out" 2>&1 < /dev/null &
    echo $! > "$RUN/$name.pid"
}

# The agents run privsep-helper, dnsmasq, haproxy, ip... through
# "[agent] root_helper = env PATH=<this>" (they are root already; an empty
# root_helper makes oslo.privsep use sudo, which is not there).
AGENT_PATH=$VENV/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

start_fake_agent() {
    local hosts=$1
    stop_services fake-agent
    rm -f "$RUN/fake-hosts"
    [ -n "$hosts" ] || return 0
    mkdir -p "$FAKE_VIF_DIR"
    log "fake L2 agent for $hosts (VIF files in $FAKE_VIF_DIR)"
    spawn fake-agent "$VENV/bin/python" "$HERE/fake_l2_agent.py" \
        --config-file "$ETC/neutron.conf" --vif-dir "$FAKE_VIF_DIR" \
        --log-file "$LOGDIR/fake-agent.log" \
        --report-interval "$FAKE_REPORT_INTERVAL" "$hosts"
    echo "$hosts" > "$RUN/fake-hosts"
}

start_services() {
    local c=(--config-file "$ETC/neutron.conf")
    log "starting the API at $URL and the RPC server"
    OS_NEUTRON_CONFIG_DIR=$ETC OS_NEUTRON_CONFIG_FILES='neutron.conf;ml2_conf.ini' \
        spawn api "$VENV/bin/gunicorn" --bind "127.0.0.1:$PORT" \
        --workers "$WORKERS" --threads "$THREADS" --timeout 120 \
        --chdir "$STATE" --pythonpath "$HERE" --error-logfile "$LOGDIR/api.log" \
        neutron_wsgi:application
    spawn rpc-server "$VENV/bin/neutron-rpc-server" "${c[@]}" \
        --config-file "$ETC/ml2_conf.ini" --log-file "$LOGDIR/rpc-server.log"
    # An agent call sent before the server consumes is lost and costs the
    # agent a 60 s timeout and a back-off: agents start after this.
    helper wait-rpc "$STATE/params.json" "$START_TIMEOUT" ||
        { tail -20 "$LOGDIR/rpc-server.log" >&2; return 1; }
    log "starting the agents"
    spawn ovs-agent env PATH="$AGENT_PATH" "$VENV/bin/neutron-openvswitch-agent" "${c[@]}" \
        --config-file "$ETC/openvswitch_agent.ini"
    spawn dhcp-agent env PATH="$AGENT_PATH" "$VENV/bin/neutron-dhcp-agent" "${c[@]}" \
        --config-file "$ETC/dhcp_agent.ini"
    spawn metadata-agent env PATH="$AGENT_PATH" "$VENV/bin/neutron-metadata-agent" "${c[@]}" \
        --config-file "$ETC/metadata_agent.ini"
    if [ "$L3_ON" = 1 ]; then
        spawn l3-agent env PATH="$AGENT_PATH" "$VENV/bin/neutron-l3-agent" "${c[@]}" \
            --config-file "$ETC/l3_agent.ini"
    fi
    start_fake_agent "$FAKE_HOSTS"
}

# What the agents started and left in sessions of their own (dnsmasq,
# haproxy, privsep helpers), and any Neutron process of this state
# directory: a daemon of that kind whose command line names the state
# directory. Never anything else (a shell that merely mentions the path).
state_pids() {
    local d argv prog
    for d in /proc/[0-9]*; do
        mapfile -d '' -t argv < "$d/cmdline" 2>/dev/null || continue
        [ "${#argv[@]}" -gt 0 ] || continue
        prog=${argv[0]##*/}
        case $prog in
            python*) prog=${argv[1]:-}; prog=${prog##*/} ;;
        esac
        case $prog in
            dnsmasq|haproxy|keepalived|radvd|privsep-helper|neutron-*|gunicorn|fake_l2_agent.py) ;;
            *) continue ;;
        esac
        case " ${argv[*]} " in
            *"$STATE/"*) echo "${d#/proc/}" ;;
        esac
    done
    return 0
}

stop_services() {
    local name pid pids=() t
    for name in "$@"; do
        if pid=$(running_pid "$name"); then
            pids+=("$pid")
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    # The OVS agent ignores SIGTERM for more than 30 s: after 2 s, KILL.
    for t in $(seq 10); do
        local alive=0
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        [ "$alive" = 0 ] && break
        sleep 0.2
    done
    for pid in "${pids[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    for name in "$@"; do
        rm -f "$RUN/$name.pid"
    done
}

stop() {
    [ -d "$STATE" ] || return 0
    STATE=$(cd "$STATE" && pwd)
    paths
    log "stopping"
    stop_services "${SERVICES[@]}"
    local pids
    pids=$(state_pids)
    if [ -n "$pids" ]; then
        # shellcheck disable=SC2086
        kill -TERM $pids 2>/dev/null || true
        sleep 0.5
        pids=$(state_pids)
        # shellcheck disable=SC2086
        [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    fi
    if [ -f "$RUN/ovs-started" ]; then
        log "stopping Open vSwitch"
        "$OVS_CTL" stop > "$LOGDIR/ovs-ctl.log" 2>&1 || true
        rm -f "$RUN/ovs-started"
    fi
}

all_running() {
    local name
    for name in api rpc-server ovs-agent dhcp-agent metadata-agent; do
        running_pid "$name" >/dev/null || return 1
    done
    if [ "$(cat "$STATE/l3" 2>/dev/null)" = 1 ]; then
        running_pid l3-agent >/dev/null || return 1
    fi
    if [ -f "$RUN/fake-hosts" ]; then
        running_pid fake-agent >/dev/null || return 1
    fi
}

write_params() {
    local fake_hosts=${1-$FAKE_HOSTS}
    "$VENV/bin/python" - "$STATE/params.json" <<EOF
import json, os, sys
p = {
    'etc_dir': '$ETC', 'log_dir': '$LOGDIR', 'lib_dir': '$STATE/lib',
    'lock_dir': '$STATE/lock', 'api_paste': '$VENV/etc/neutron/api-paste.ini',
    'root_helper': 'env PATH=$AGENT_PATH',
    'transport_url': 'rabbit://$RABBIT_USER:$RABBIT_PASSWORD@$RABBIT_HOST:$RABBIT_PORT/$RABBIT_VHOST',
    'db_url': 'mysql+pymysql://$DB_USER:$DB_PASSWORD@$DB_HOST:$DB_PORT/$DB_NAME?charset=utf8',
    'keystone_url': '$KEYSTONE_URL',
    'keystone_admin_password': os.environ['KS_ADMIN_PASSWORD'],
    'region': '$REGION', 'neutron_url': '$URL',
    'neutron_password': os.environ['NEUTRON_PW'],
    'nova_user': '$NOVA_USER', 'nova_password': os.environ['NOVA_PW'],
    'ovs_host': '$OVS_HOST', 'local_ip': '$LOCAL_IP',
    'fake_hosts': [h for h in '$fake_hosts'.split(',') if h],
    'fake_vif_dir': '$FAKE_VIF_DIR',
    'nova_metadata_host': '$NOVA_METADATA_HOST',
    'nova_metadata_port': $NOVA_METADATA_PORT,
    'metadata_secret': os.environ['METADATA_SECRET'],
    'l3': '${L3_ON:-0}' == '1', 'debug': '$DEBUG',
    'public_cidr': '$PUBLIC_CIDR', 'subnet_pool_prefix': '$SUBNET_POOL',
}
import ipaddress
net = ipaddress.ip_network(p['public_cidr'])
hosts = list(net.hosts())
p['public_gateway'] = str(hosts[0])
p['public_pool_start'] = str(hosts[min(9, len(hosts) - 1)])
p['public_pool_end'] = str(hosts[-1])
with open(sys.argv[1] + '.tmp', 'w') as f:
    json.dump(p, f, indent=1)
os.chmod(sys.argv[1] + '.tmp', 0o600)
os.replace(sys.argv[1] + '.tmp', sys.argv[1])
EOF
}

helper() {
    # (eventlet's deprecation warning on import says nothing useful here)
    PYTHONWARNINGS=ignore "$VENV/bin/python" "$HERE/neutron_setup.py" "$@"
}

export KS_ADMIN_PASSWORD=$KEYSTONE_ADMIN_PASSWORD NEUTRON_PW=$SERVICE_PASSWORD \
    NOVA_PW=$NOVA_PASSWORD METADATA_SECRET

start() {
    local fresh=0 t0=$SECONDS
    [ "${1:-}" = --fresh ] && fresh=1
    [ "$(id -u)" = 0 ] || die "must run as root (agents manage namespaces and OVS)"
    install
    if [ "$fresh" = 0 ] && [ -d "$STATE" ] && all_running &&
            helper wait "$STATE/params.json" 3 2>/dev/null; then
        STATE=$(cd "$STATE" && pwd)
        paths
        L3_ON=$(cat "$STATE/l3")
        write_params
        if [ "$(cat "$RUN/fake-hosts" 2>/dev/null)" != "$FAKE_HOSTS" ]; then
            start_fake_agent "$FAKE_HOSTS"
            helper wait "$STATE/params.json" "$START_TIMEOUT" ||
                die "the fake L2 agent did not report (log/fake-agent.log)"
        fi
        log "already running at $URL"
        return 0
    fi
    stop
    if [ "$fresh" = 1 ]; then
        clean_namespaces
        rm -rf "$STATE"
    fi
    mkdir -p "$STATE"
    STATE=$(cd "$STATE" && pwd)
    paths
    mkdir -p "$RUN" "$LOGDIR" "$ETC"
    keystone_answers || die "Keystone does not answer at $KEYSTONE_URL; start it:
  KEYSTONE_VENV=... KEYSTONE_STATE_DIR=... KEYSTONE_ADMIN_PASSWORD=... tools/keystone/setup.sh start"
    if l3_enabled; then L3_ON=1; else L3_ON=0; fi
    echo "$L3_ON" > "$STATE/l3"
    [ "$L3_ON" = 1 ] || log "no L3 agent (NEUTRON_L3=$L3): no routers, no floating IPs"
    write_params
    helper config "$STATE/params.json"
    # Independent steps side by side: Keystone, RabbitMQ, the database,
    # Open vSwitch.
    helper keystone "$STATE/params.json" > "$LOGDIR/keystone.log" 2>&1 &
    local ks=$!
    ensure_vhost &
    local mq=$!
    ensure_database "$fresh" &
    local db=$!
    start_ovs "$fresh"
    [ "$L3_ON" = 1 ] && host_on_public
    wait "$ks" || { cat "$LOGDIR/keystone.log" >&2; die "Keystone registration failed"; }
    wait "$mq" || die "could not make the RabbitMQ vhost $RABBIT_VHOST"
    wait "$db" || die "the database is not ready"
    log "prepared in $((SECONDS - t0)) s"
    if ! start_services || ! helper wait "$STATE/params.json" "$START_TIMEOUT"; then
        log "not ready within $START_TIMEOUT s; logs in $LOGDIR"
        tail -5 "$LOGDIR"/*.log >&2 || true
        stop
        exit 1
    fi
    if [ "$L3_ON" = 1 ] && [ "$NETWORKS" = 1 ]; then
        helper networks "$STATE/params.json" > "$LOGDIR/networks.log" 2>&1 ||
            { cat "$LOGDIR/networks.log" >&2; die "baseline networks failed"; }
    fi
    log "ready at $URL in $((SECONDS - t0)) s (logs in $LOGDIR)"
}

status() {
    [ -d "$STATE" ] || return 1
    STATE=$(cd "$STATE" && pwd)
    paths
    all_running && helper wait "$STATE/params.json" 3
}

fake_agent() {
    [ $# -gt 0 ] || die "usage: setup.sh fake-agent HOST..."
    [ -f "$STATE/params.json" ] || die "start Neutron first"
    STATE=$(cd "$STATE" && pwd)
    paths
    local hosts
    hosts=$(printf '%s,' "$@" | tr -s ',' | sed 's/^,//; s/,$//')
    L3_ON=$(cat "$STATE/l3" 2>/dev/null || echo 0)
    start_fake_agent "$hosts"
    write_params "$hosts"
    helper wait "$STATE/params.json" "$START_TIMEOUT" ||
        die "the fake L2 agent did not report (log/fake-agent.log)"
    log "fake L2 agent up for $hosts"
}

print_env() {
    [ -d "$STATE" ] && STATE=$(cd "$STATE" && pwd) && paths
    cat <<EOF
NEUTRON_URL=$URL
NEUTRON_REGION=$REGION
NEUTRON_NOVA_USER=$NOVA_USER
NEUTRON_NOVA_PASSWORD=$NOVA_PASSWORD
NEUTRON_NOVA_PROJECT=service
NEUTRON_FAKE_VIF_DIR=$FAKE_VIF_DIR
NEUTRON_METADATA_SECRET=$METADATA_SECRET
NEUTRON_METADATA_PROXY_SOCKET=$STATE/lib/metadata_proxy
NEUTRON_OVS_AGENT_HOST=$OVS_HOST
NEUTRON_L3=$(cat "$STATE/l3" 2>/dev/null || echo 0)
NOVA_TEST_NEUTRON_URL=$URL
EOF
}

case "${1:-}" in
    install) install ;;
    start) shift; start "$@" ;;
    stop) stop ;;
    status) status ;;
    env) print_env ;;
    fake-agent) shift; fake_agent "$@" ;;
    *) sed -n '/^set -e/q;2,$p' "$0"; exit 2 ;;
esac
