#!/bin/bash
# From a fresh Debian/Ubuntu machine to a server booted with the real
# openstack CLI:
#   1. install the OS packages that are missing (python3, python3-venv),
#   2. make a virtualenv (.venv) and install nova with its test extra
#      (python-openstackclient and python-novaclient come with it),
#   3. start the control plane (nova-local start): separate daemons over
#      RabbitMQ if one answers at $TRANSPORT_URL, else every service in one
#      process over the in-process transport,
#   4. import a small demo image, create a flavor and boot a server.
#
# Environment: VENV (default .venv), NOVA_LOCAL_STATE_DIR (default
# ~/.local/share/nova-local), NOVA_LOCAL_PORT (8774), TRANSPORT_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-$PWD/.venv}
STATE_DIR=${NOVA_LOCAL_STATE_DIR:-$HOME/.local/share/nova-local}
PORT=${NOVA_LOCAL_PORT:-8774}
# Unset: nova-local's default, on a virtual host of its own when another
# deployment already runs on the broker's "/".
TRANSPORT_URL=${TRANSPORT_URL:-}
export PYTHONWARNINGS=ignore::DeprecationWarning

step() { printf '\n==> %s\n' "$*"; }

step "OS packages"
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
missing=()
command -v python3 >/dev/null || missing+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        "${missing[@]}" python3-pip
    if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
        ver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            "python${ver}-venv"
    fi
else
    echo "nothing to install"
fi

step "virtualenv $VENV"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q '.[test]'
export PATH="$VENV/bin:$PATH"

step "control plane (state in $STATE_DIR)"
if nova-local status --state-dir "$STATE_DIR" >/dev/null 2>&1; then
    echo "already running"
    nova-local status --state-dir "$STATE_DIR"
else
    nova-local stop --state-dir "$STATE_DIR" >/dev/null 2>&1 || true
    nova-local start --state-dir "$STATE_DIR" --port "$PORT" \
        ${TRANSPORT_URL:+--transport-url "$TRANSPORT_URL"}
fi
# OS_CLIENT_CONFIG_FILE/OS_CLOUD for openstack, OS_TOKEN/OS_ENDPOINT... for nova.
# shellcheck disable=SC1091
source "$STATE_DIR/openrc"

step "demo image"
if ! openstack image show demo-image >/dev/null 2>&1; then
    head -c 1048576 /dev/zero > "$STATE_DIR/demo-image.raw"
    nova-manage --config-file "$STATE_DIR/etc/nova-manage.conf" \
        image import "$STATE_DIR/demo-image.raw" --name demo-image \
        --disk-format raw
fi
openstack image list

step "flavor"
openstack flavor show m1.tiny >/dev/null 2>&1 ||
    openstack flavor create --vcpus 1 --ram 256 --disk 1 m1.tiny
openstack flavor list

step "server"
openstack server create --flavor m1.tiny --image demo-image --no-network \
    --wait demo -c id -c name -c status -c OS-EXT-SRV-ATTR:host
openstack server list

cat <<MSG

The cloud keeps running. To use it from a shell:
    source $STATE_DIR/openrc
    openstack server list
    nova list
Stop it with:
    $VENV/bin/nova-local stop --state-dir $STATE_DIR
MSG
