#!/usr/bin/env bash
# Tempest's compute API tests against a local deployment with fake computes.
#
#   tools/tempest/run.sh [--regex REGEX] [--concurrency N] [--keep]
#                        [--no-run] [--stop]
#
# Steps: a virtualenv of its own with tempest (never the project's),
# Keystone from tools/keystone/setup.sh (its own virtualenv, SQLite +
# fernet behind gunicorn on loopback, state in $STATE/keystone), the
# deployment (nova-local start --keystone-url ...), images and flavors,
# tempest.conf, `tempest run`, and a summary in $STATE/summary.txt.
# See tools/tempest/README.md. Environment (defaults):
#   TEMPEST_STATE_DIR   state directory          (<repo>/.tempest-state)
#   TEMPEST_VENV        Tempest venv             (<repo>/.tempest-venv)
#   KEYSTONE_VENV       Keystone venv            (<repo>/.keystone-venv)
#   NOVA_PYTHON         Python with nova         ($VIRTUAL_ENV/bin/python,
#                                                 else python3)
#   TEMPEST_KEYSTONE_PORT / TEMPEST_API_PORT / TEMPEST_PLACEMENT_PORT
#                       (15000 / 18774 / 18778)
#   TEMPEST_MODE        nova-local --mode        (auto)
#   TEMPEST_TRANSPORT_URL  RabbitMQ URL; default: a fresh virtual host on
#                       the local broker when rabbitmqctl can make one
# Neutron mode (TEMPEST_NEUTRON_URL set): an existing Keystone and Neutron
# (tools/neutron/setup.sh) instead of a Keystone of its own; the API port
# defaults to 18874, placement to 18878 (what Neutron's catalog says).
#   TEMPEST_NEUTRON_URL              Neutron, e.g. http://127.0.0.1:19696
#   TEMPEST_KEYSTONE_URL             its Keystone, e.g. http://127.0.0.1:15000/v3
#   TEMPEST_KEYSTONE_ADMIN_PASSWORD  that Keystone's admin password
#   TEMPEST_NEUTRON_FAKE_VIF_DIR     the harness agent's NEUTRON_FAKE_VIF_DIR
#   TEMPEST_NEUTRON_METADATA_SECRET  (optional)
#   TEMPEST_NOVA_PASSWORD            password of Keystone user nova, whom
#                                    Neutron sends its events as (nova-secret)
#   TEMPEST_PORT_WAIT                seconds to wait for the API port to be
#                                    free (600)
#   TEMPEST_KNOWN_FAILURES           failures that do not fail the run
#                                    (Neutron mode: known-failures.txt here)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
STATE=${TEMPEST_STATE_DIR:-$REPO/.tempest-state}
VENV=${TEMPEST_VENV:-$REPO/.tempest-venv}
if [ -z "${NOVA_PYTHON:-}" ]; then
    if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then
        NOVA_PYTHON=$VIRTUAL_ENV/bin/python
    else
        NOVA_PYTHON=python3
    fi
fi
NEUTRON_URL=${TEMPEST_NEUTRON_URL:-}
KS_PORT=${TEMPEST_KEYSTONE_PORT:-15000}
if [ -n "$NEUTRON_URL" ]; then
    API_PORT=${TEMPEST_API_PORT:-18874}
    PLACEMENT_PORT=${TEMPEST_PLACEMENT_PORT:-18878}
    # Where Neutron's metadata agent forwards guests' requests.
    METADATA_PORT=${TEMPEST_METADATA_PORT:-8775}
    KNOWN_FAILURES=${TEMPEST_KNOWN_FAILURES-$HERE/known-failures.txt}
else
    API_PORT=${TEMPEST_API_PORT:-18774}
    PLACEMENT_PORT=${TEMPEST_PLACEMENT_PORT:-18778}
    # No guest asks for metadata without a network: no metadata service.
    METADATA_PORT=${TEMPEST_METADATA_PORT:-0}
    KNOWN_FAILURES=${TEMPEST_KNOWN_FAILURES:-}
fi
MODE=${TEMPEST_MODE:-auto}
TEMPEST_VERSION=47.0.0
KEYSTONE=$REPO/tools/keystone/setup.sh
export KEYSTONE_STATE_DIR=$STATE/keystone KEYSTONE_PORT=$KS_PORT
export KEYSTONE_ADMIN_PASSWORD=tempest-admin
export KEYSTONE_VERSION=${TEMPEST_KEYSTONE_VERSION:-${KEYSTONE_VERSION:-30.0.0}}
KEYSTONE_PYTHON=${KEYSTONE_VENV:-$REPO/.keystone-venv}/bin/python

REGEX='^tempest\.api\.compute'
CONCURRENCY=2
KEEP=0
RUN=1
STOP_ONLY=0
while [ $# -gt 0 ]; do
    case "$1" in
        --regex) REGEX=$2; shift 2 ;;
        --concurrency) CONCURRENCY=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --no-run) RUN=0; KEEP=1; shift ;;
        --stop) STOP_ONLY=1; shift ;;
        -h|--help) sed -n '2,38p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

KS_URL=http://127.0.0.1:$KS_PORT/v3
ADMIN_PASSWORD=$KEYSTONE_ADMIN_PASSWORD
SERVICE_USER=nova
SERVICE_PASSWORD=tempest-nova
NEUTRON_ARGS=()
if [ -n "$NEUTRON_URL" ]; then
    : "${TEMPEST_KEYSTONE_URL:?Neutron mode needs TEMPEST_KEYSTONE_URL (Neutron's Keystone)}"
    : "${TEMPEST_KEYSTONE_ADMIN_PASSWORD:?Neutron mode needs TEMPEST_KEYSTONE_ADMIN_PASSWORD}"
    : "${TEMPEST_NEUTRON_FAKE_VIF_DIR:?Neutron mode needs TEMPEST_NEUTRON_FAKE_VIF_DIR (the harness agent's)}"
    KS_URL=$TEMPEST_KEYSTONE_URL
    ADMIN_PASSWORD=$TEMPEST_KEYSTONE_ADMIN_PASSWORD
    # Neutron authenticates as nova to send its events: same password.
    SERVICE_PASSWORD=${TEMPEST_NOVA_PASSWORD:-nova-secret}
    # Computes compute1, compute2: fake hosts of the harness L2 agent. No
    # console proxy (no console tests with fake guests; 6080 may be taken)
    # and no demo user in the shared Keystone.
    NEUTRON_ARGS=(--neutron-url "$NEUTRON_URL"
                  --neutron-fake-vif-dir "$TEMPEST_NEUTRON_FAKE_VIF_DIR"
                  --neutron-metadata-secret "${TEMPEST_NEUTRON_METADATA_SECRET:-}"
                  --novncproxy-port 0 --no-keystone-demo)
fi
PARAMS=$STATE/params.json

log() { echo "== $*"; }

stop_all() {
    if [ -f "$STATE/deployment.json" ]; then
        "$NOVA_PYTHON" -m nova.cmd.local stop --state-dir "$STATE" || true
    fi
    [ -n "$NEUTRON_URL" ] || "$KEYSTONE" stop
    if [ -f "$STATE/rabbit-vhost" ]; then
        "$NOVA_PYTHON" -c "import sys; from nova.local import probe; probe.delete_rabbit_vhost(sys.argv[1])" \
            "$(cat "$STATE/rabbit-vhost")" || true
        rm -f "$STATE/rabbit-vhost"
    fi
}

if [ "$STOP_ONLY" = 1 ]; then
    stop_all
    exit 0
fi

if ! "$NOVA_PYTHON" -c 'import nova.cmd.local, keystonemiddleware' 2>/dev/null; then
    echo "$NOVA_PYTHON cannot import nova and keystonemiddleware: set NOVA_PYTHON" \
         "to the Python of the project's virtualenv (pip install -e .)." >&2
    exit 1
fi

# -- 1. Tempest and Keystone virtualenvs ---------------------------------
if ! "$VENV/bin/python" -c 'import tempest' 2>/dev/null ||
   [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("tempest"))')" != "$TEMPEST_VERSION" ]; then
    log "creating $VENV (tempest $TEMPEST_VERSION)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "tempest==$TEMPEST_VERSION"
fi
[ -n "$NEUTRON_URL" ] || "$KEYSTONE" install

# -- 2. Fresh state, Keystone --------------------------------------------
stop_all
rm -rf "$STATE"
mkdir -p "$STATE/log"
trap '[ "$KEEP" = 1 ] || stop_all' EXIT

if [ -n "$NEUTRON_URL" ]; then
    # Neutron posts its events to the compute endpoint of its catalog:
    # this deployment has to listen there. The deployments of the test
    # suites that do (tests/conftest.py neutron_events_lock) take this
    # lock first; then wait for the port itself.
    exec 9>>"${NOVA_TEST_NEUTRON_EVENTS_LOCK:-/tmp/nova-neutron-events.lock}"
    log "waiting for the lock of Neutron's event port"
    flock -w "${TEMPEST_PORT_WAIT:-600}" 9 ||
        { echo "the lock of Neutron's event port is still held" >&2; exit 1; }
    WAITED=0
    while ss -ltn | grep -q ":$API_PORT " ||
          ss -ltn | grep -q ":$PLACEMENT_PORT " ||
          { [ "$METADATA_PORT" != 0 ] && ss -ltn | grep -q ":$METADATA_PORT "; }; do
        if [ "$WAITED" -ge "${TEMPEST_PORT_WAIT:-600}" ]; then
            echo "port $API_PORT, $PLACEMENT_PORT or $METADATA_PORT still in use after ${WAITED}s" >&2
            exit 1
        fi
        [ "$WAITED" -gt 0 ] || log "port $API_PORT, $PLACEMENT_PORT or $METADATA_PORT in use: waiting"
        sleep 20
        WAITED=$((WAITED + 20))
    done
    log "Keystone at $KS_URL, Neutron at $NEUTRON_URL (not started here)"
    KEYSTONE_PYTHON=$NOVA_PYTHON
else
    log "Keystone at $KS_URL"
    "$KEYSTONE" start --fresh
fi

cat > "$PARAMS" <<EOF
{"auth_url": "$KS_URL", "admin_password": "$ADMIN_PASSWORD",
 "service_user": "$SERVICE_USER", "service_password": "$SERVICE_PASSWORD",
 "compute_url": "http://127.0.0.1:$API_PORT/v2.1",
 "image_url": "http://127.0.0.1:$API_PORT/image",
 "placement_url": "http://127.0.0.1:$PLACEMENT_PORT",
 "computes": 2,
 "neutron_url": "$NEUTRON_URL",
 "log_file": "$STATE/log/tempest.log",
 "lock_path": "$STATE/tempest/lock"}
EOF
"$KEYSTONE_PYTHON" "$REPO/tools/keystone/identity.py" catalog "$KS_URL" "$ADMIN_PASSWORD" "$PARAMS"

# -- 3. The deployment ----------------------------------------------------
TRANSPORT=${TEMPEST_TRANSPORT_URL:-}
if [ -z "$TRANSPORT" ] && [ "$MODE" != inprocess ]; then
    VHOST=nova-tempest-$$
    if "$NOVA_PYTHON" -c "import sys; from nova.local import probe; sys.exit(0 if probe.add_rabbit_vhost(sys.argv[1]) else 1)" "$VHOST" 2>/dev/null; then
        echo "$VHOST" > "$STATE/rabbit-vhost"
        TRANSPORT=rabbit://guest:guest@127.0.0.1:5672/$VHOST
    fi
fi
log "nova-local start (mode $MODE)"
NOVA_LOCAL_KEYSTONE_PASSWORD=$SERVICE_PASSWORD "$NOVA_PYTHON" -m nova.cmd.local start \
    --state-dir "$STATE" --computes 2 --port "$API_PORT" \
    --placement-port "$PLACEMENT_PORT" --metadata-port "$METADATA_PORT" \
    --mode "$MODE" \
    ${TRANSPORT:+--transport-url "$TRANSPORT"} \
    --keystone-url "$KS_URL" --keystone-user "$SERVICE_USER" \
    --keystone-project service --timeout 300 ${NEUTRON_ARGS[@]+"${NEUTRON_ARGS[@]}"}

log "images and flavors"
"$NOVA_PYTHON" "$HERE/prepare.py" "$STATE" "$PARAMS"

# -- 4. tempest.conf and the run ----------------------------------------
WORKSPACE=$STATE/tempest
# Tempest keeps a registry of workspaces (~/.tempest/workspace.yaml) and
# refuses to register a name twice: drop the one of the previous run.
"$VENV/bin/tempest" workspace remove --name nova-local-tempest \
    > /dev/null 2>&1 || true
"$VENV/bin/tempest" init --name nova-local-tempest "$WORKSPACE" \
    > "$STATE/log/tempest-init.log" 2>&1 ||
    { cat "$STATE/log/tempest-init.log"; exit 1; }
mkdir -p "$WORKSPACE/lock"
"$VENV/bin/python" "$HERE/tempest_conf.py" "$PARAMS" "$WORKSPACE/etc/tempest.conf"
log "tempest.conf: $WORKSPACE/etc/tempest.conf"
if [ "$RUN" = 0 ]; then
    log "deployment left running (--no-run); stop it with $0 --stop"
    exit 0
fi

log "tempest run --regex '$REGEX' --concurrency $CONCURRENCY"
cd "$WORKSPACE"
set +e
# stestr runs the tests with ${PYTHON:-python} (the workspace's
# .stestr.conf): Tempest's, whatever PYTHON the caller has set.
PYTHON=$VENV/bin/python \
    "$VENV/bin/tempest" run --regex "$REGEX" --concurrency "$CONCURRENCY" \
    > "$STATE/log/tempest-run.log" 2>&1
RC=$?
set -e
tail -15 "$STATE/log/tempest-run.log"
"$VENV/bin/stestr" last --subunit > "$STATE/results.subunit" 2>/dev/null || true
set +e
"$VENV/bin/python" "$HERE/summary.py" \
    ${KNOWN_FAILURES:+--known "$KNOWN_FAILURES"} \
    "$STATE/results.subunit" "$STATE/summary.txt"
SUMMARY_RC=$?
set -e
log "summary: $STATE/summary.txt (tempest exit $RC)"
if [ -n "$KNOWN_FAILURES" ]; then
    # Failures on the list do not fail the run; others (or no results) do.
    exit $SUMMARY_RC
fi
exit $RC
