#!/usr/bin/env bash
# A local Keystone for tests and for trying the API with real tokens.
#
#   tools/keystone/setup.sh install    virtualenv with Keystone + gunicorn
#   tools/keystone/setup.sh start [--fresh]
#                                      install if needed, configure (first
#                                      time, or after --fresh wipes the
#                                      state), start, wait until /v3 answers
#   tools/keystone/setup.sh stop
#   tools/keystone/setup.sh status     exit 0 when it answers
#   tools/keystone/setup.sh env        shell lines: KEYSTONE_URL,
#                                      KEYSTONE_ADMIN_PASSWORD and the
#                                      NOVA_TEST_KEYSTONE_* of the tests
#
# Keystone runs from a virtualenv of its own (never the project's), on
# SQLite with fernet tokens, under gunicorn on loopback. `keystone-manage
# bootstrap` makes user and project "admin" (password below), the roles
# reader < member < manager < admin and service, region RegionOne and the
# identity endpoint. Logs: $KEYSTONE_STATE_DIR/log/.
#
# Environment (defaults):
#   KEYSTONE_VENV            virtualenv        (<repo>/.keystone-venv)
#   KEYSTONE_STATE_DIR       state directory   (<repo>/.keystone-state)
#   KEYSTONE_PORT            port on 127.0.0.1 (15000)
#   KEYSTONE_ADMIN_PASSWORD  admin's password  (keystone-admin)
#   KEYSTONE_THREADS         gunicorn threads  (8) of its one worker
#                            (Keystone's cache is in memory: one process)
#   KEYSTONE_VERSION         from PyPI         (30.0.0)
#   KEYSTONE_TOKEN_EXPIRATION  seconds         (28800)
#   KEYSTONE_BASE_PYTHON     Python that builds the virtualenv (python3)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VENV=${KEYSTONE_VENV:-$REPO/.keystone-venv}
STATE=${KEYSTONE_STATE_DIR:-$REPO/.keystone-state}
PORT=${KEYSTONE_PORT:-15000}
ADMIN_PASSWORD=${KEYSTONE_ADMIN_PASSWORD:-keystone-admin}
THREADS=${KEYSTONE_THREADS:-8}
VERSION=${KEYSTONE_VERSION:-30.0.0}
EXPIRATION=${KEYSTONE_TOKEN_EXPIRATION:-28800}
BASE_PYTHON=${KEYSTONE_BASE_PYTHON:-python3}
URL=http://127.0.0.1:$PORT/v3
PIDFILE=$STATE/gunicorn.pid

log() { echo "== keystone: $*" >&2; }

installed() {
    [ -x "$VENV/bin/gunicorn" ] && [ -x "$VENV/bin/keystone-manage" ] &&
    [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("keystone"))' 2>/dev/null)" = "$VERSION" ]
}

install() {
    installed && return 0
    log "installing keystone==$VERSION and gunicorn into $VENV"
    "$BASE_PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check \
        "keystone==$VERSION" gunicorn
    installed || { log "the installation in $VENV is incomplete"; exit 1; }
}

# Exit status 0 when Keystone answers at $URL within $1 seconds.
wait_answer() {
    "$VENV/bin/python" - "$URL" "$1" <<'EOF'
import sys, time, urllib.request
url, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
while True:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            if resp.status == 200:
                sys.exit(0)
    except Exception:
        pass
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(0.3)
EOF
}

running_pid() {
    [ -f "$PIDFILE" ] || return 1
    local pid
    pid=$(cat "$PIDFILE")
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

stop() {
    local pid
    if pid=$(running_pid); then
        log "stopping gunicorn $pid"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        # gunicorn was started in a session of its own: its workers are
        # in the process group of the same id.
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
}

start() {
    local fresh=0
    [ "${1:-}" = --fresh ] && fresh=1
    install
    if pid=$(running_pid); then
        if [ "$fresh" = 0 ] && wait_answer 1; then
            log "already running (pid $pid) at $URL"
            return 0
        fi
        stop
    fi
    if wait_answer 0; then
        log "something else answers at $URL: pick another KEYSTONE_PORT"
        exit 1
    fi
    [ "$fresh" = 1 ] && rm -rf "$STATE"
    mkdir -p "$STATE/log"
    STATE=$(cd "$STATE" && pwd)
    PIDFILE=$STATE/gunicorn.pid
    log "configuring $STATE"
    "$VENV/bin/python" "$HERE/keystone_setup.py" init "$STATE" "$URL" \
        "$ADMIN_PASSWORD" "$EXPIRATION" > "$STATE/log/setup.log" 2>&1 ||
        { tail -40 "$STATE/log/setup.log" >&2; exit 1; }
    log "starting gunicorn ($THREADS threads) at $URL"
    OS_KEYSTONE_CONFIG_FILES=$STATE/keystone.conf \
        setsid "$VENV/bin/gunicorn" --bind "127.0.0.1:$PORT" \
        --workers 1 --threads "$THREADS" --timeout 120 --chdir "$STATE" \
        --pythonpath "$HERE" keystone_wsgi:application \
        > "$STATE/log/gunicorn.log" 2>&1 < /dev/null &
    echo $! > "$PIDFILE"
    if ! wait_answer 90; then
        log "Keystone does not answer at $URL"
        tail -30 "$STATE/log/gunicorn.log" >&2
        stop
        exit 1
    fi
    "$VENV/bin/python" "$HERE/identity.py" check "$URL" "$ADMIN_PASSWORD" ||
        { stop; exit 1; }
    printf '{"url": "%s", "admin_password": "%s"}\n' "$URL" \
        "$ADMIN_PASSWORD" > "$STATE/keystone.json"
    log "ready at $URL (admin password in $STATE/keystone.json)"
}

print_env() {
    cat <<EOF
KEYSTONE_URL=$URL
KEYSTONE_ADMIN_PASSWORD=$ADMIN_PASSWORD
NOVA_TEST_KEYSTONE_URL=$URL
NOVA_TEST_KEYSTONE_ADMIN_PASSWORD=$ADMIN_PASSWORD
EOF
}

case "${1:-}" in
    install) install ;;
    start) shift; start "$@" ;;
    stop) stop ;;
    status) running_pid >/dev/null && installed && wait_answer 1 ;;
    env) print_env ;;
    *) sed -n '/^set -e/q;2,$p' "$0"; exit 2 ;;
esac
