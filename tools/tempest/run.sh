#!/usr/bin/env bash
# Tempest's compute API tests against a local deployment with fake computes.
#
#   tools/tempest/run.sh [--regex REGEX] [--concurrency N] [--keep]
#                        [--no-run] [--stop]
#
# Steps: a virtualenv of its own with tempest and Keystone (never the
# project's), Keystone on SQLite + fernet behind gunicorn on loopback, the
# deployment (nova-local start --keystone-url ...), images and flavors,
# tempest.conf, `tempest run`, and a summary in $STATE/summary.txt.
# See tools/tempest/README.md. Environment (defaults):
#   TEMPEST_STATE_DIR   state directory          (<repo>/.tempest-state)
#   TEMPEST_VENV        Tempest + Keystone venv  (<repo>/.tempest-venv)
#   NOVA_PYTHON         Python with nova         ($VIRTUAL_ENV/bin/python,
#                                                 else python3)
#   TEMPEST_KEYSTONE_PORT / TEMPEST_API_PORT / TEMPEST_PLACEMENT_PORT
#                       (15000 / 18774 / 18778)
#   TEMPEST_MODE        nova-local --mode        (auto)
#   TEMPEST_TRANSPORT_URL  RabbitMQ URL; default: a fresh virtual host on
#                       the local broker when rabbitmqctl can make one
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
KS_PORT=${TEMPEST_KEYSTONE_PORT:-15000}
API_PORT=${TEMPEST_API_PORT:-18774}
PLACEMENT_PORT=${TEMPEST_PLACEMENT_PORT:-18778}
MODE=${TEMPEST_MODE:-auto}
TEMPEST_VERSION=47.0.0
KEYSTONE_VERSION=${TEMPEST_KEYSTONE_VERSION:-30.0.0}

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
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

KS_URL=http://127.0.0.1:$KS_PORT/v3
ADMIN_PASSWORD=tempest-admin
SERVICE_USER=nova
SERVICE_PASSWORD=tempest-nova
PARAMS=$STATE/params.json

log() { echo "== $*"; }

stop_all() {
    if [ -f "$STATE/deployment.json" ]; then
        "$NOVA_PYTHON" -m nova.cmd.local stop --state-dir "$STATE" || true
    fi
    if [ -f "$STATE/keystone.pid" ]; then
        local pid
        pid=$(cat "$STATE/keystone.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        rm -f "$STATE/keystone.pid"
    fi
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

# -- 1. Tempest + Keystone virtualenv ------------------------------------
if ! "$VENV/bin/python" -c 'import tempest, keystone' 2>/dev/null ||
   [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("tempest"))')" != "$TEMPEST_VERSION" ]; then
    log "creating $VENV (tempest $TEMPEST_VERSION, keystone $KEYSTONE_VERSION)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "tempest==$TEMPEST_VERSION" \
        "keystone==$KEYSTONE_VERSION" gunicorn
fi

# -- 2. Fresh state, Keystone --------------------------------------------
stop_all
rm -rf "$STATE"
mkdir -p "$STATE/log"
trap '[ "$KEEP" = 1 ] || stop_all' EXIT

log "Keystone at $KS_URL"
"$VENV/bin/python" "$HERE/keystone_setup.py" init "$STATE" "$KS_URL" "$ADMIN_PASSWORD" \
    > "$STATE/log/keystone-setup.log" 2>&1 ||
    { cat "$STATE/log/keystone-setup.log"; exit 1; }
OS_KEYSTONE_CONFIG_FILES=$STATE/keystone/keystone.conf \
    setsid "$VENV/bin/gunicorn" --bind "127.0.0.1:$KS_PORT" --workers 1 \
    --timeout 120 --chdir "$STATE" --pythonpath "$HERE" keystone_wsgi:application \
    > "$STATE/log/keystone-gunicorn.log" 2>&1 < /dev/null &
echo $! > "$STATE/keystone.pid"
for _ in $(seq 120); do
    curl -sf "$KS_URL" > /dev/null 2>&1 && break
    sleep 0.5
done
curl -sf "$KS_URL" > /dev/null || { echo "Keystone does not answer"; tail -30 "$STATE/log/keystone-gunicorn.log"; exit 1; }

cat > "$PARAMS" <<EOF
{"auth_url": "$KS_URL", "admin_password": "$ADMIN_PASSWORD",
 "service_user": "$SERVICE_USER", "service_password": "$SERVICE_PASSWORD",
 "compute_url": "http://127.0.0.1:$API_PORT/v2.1",
 "image_url": "http://127.0.0.1:$API_PORT/image",
 "placement_url": "http://127.0.0.1:$PLACEMENT_PORT",
 "computes": 2,
 "log_file": "$STATE/log/tempest.log",
 "lock_path": "$STATE/tempest/lock"}
EOF
"$VENV/bin/python" "$HERE/keystone_setup.py" catalog "$STATE" "$KS_URL" "$ADMIN_PASSWORD" "$PARAMS"

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
    --placement-port "$PLACEMENT_PORT" --mode "$MODE" \
    ${TRANSPORT:+--transport-url "$TRANSPORT"} \
    --keystone-url "$KS_URL" --keystone-user "$SERVICE_USER" \
    --keystone-project service --timeout 300

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
"$VENV/bin/tempest" run --regex "$REGEX" --concurrency "$CONCURRENCY" \
    > "$STATE/log/tempest-run.log" 2>&1
RC=$?
set -e
tail -15 "$STATE/log/tempest-run.log"
"$VENV/bin/stestr" last --subunit > "$STATE/results.subunit" 2>/dev/null || true
"$VENV/bin/python" "$HERE/summary.py" "$STATE/results.subunit" "$STATE/summary.txt"
log "summary: $STATE/summary.txt (tempest exit $RC)"
exit $RC
