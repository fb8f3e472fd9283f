#!/bin/bash
# libvirt and QEMU on this machine, for the libvirt driver, its functional
# tests and the boot benchmark. Debian/Ubuntu without systemd: libvirtd is
# started by hand.
#
#   tools/libvirt/setup.sh install   the Debian packages (skipped when all
#                                    are present), the libvirt-qemu user and
#                                    group, /dev/kvm for group kvm,
#                                    /var/log/libvirt, qemu.conf's
#                                    stdio_handler = "file"
#   tools/libvirt/setup.sh start     install, then start `libvirtd -d` unless
#                                    one runs, wait until qemu:///system
#                                    answers
#   tools/libvirt/setup.sh stop      stop the libvirtd that `start` started
#                                    (never one started otherwise)
#   tools/libvirt/setup.sh status    exit 0 when qemu:///system answers
#
# Several commands may be given: `setup.sh install start`. Every step is
# idempotent. Root (or sudo) is needed for install, start and stop.
#
# Why each step:
# - libvirt-qemu: libvirtd runs QEMU as this user (Debian's build default);
#   without libvirt-daemon-system nothing creates it.
# - /dev/kvm root:kvm 0660 with libvirt-qemu in group kvm: otherwise libvirt
#   finds /dev/kvm inaccessible to QEMU's user, distrusts its cached QEMU
#   capabilities and probes QEMU again on every call (~50 s per
#   `virsh create`). Guests of the tests still use TCG (virt_type = qemu).
# - stdio_handler = "file": QEMU's output goes to /var/log/libvirt/qemu/
#   directly instead of through virtlogd, which is not started here.
#
# Environment: LIBVIRT_URI (qemu:///system), LIBVIRT_START_TIMEOUT (60 s).
set -euo pipefail

URI=${LIBVIRT_URI:-qemu:///system}
START_TIMEOUT=${LIBVIRT_START_TIMEOUT:-60}
PACKAGES=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
          qemu-system-x86 qemu-utils libvirt-dev pkg-config busybox-static
          cpio kmod novnc)
# libvirt-python has no wheels: pip builds it with a C compiler.
BUILD_PACKAGES=(gcc python3-dev)
QEMU_CONF=${LIBVIRT_QEMU_CONF:-/etc/libvirt/qemu.conf}
# Marks a libvirtd that `start` started (its pid), for `stop`.
STARTED_MARK=/run/nova-libvirt-setup.pid

SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

log() { echo "== libvirt: $*" >&2; }

missing_packages() {
    local pkg
    for pkg in "${PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
            grep -q 'install ok installed' || echo "$pkg"
    done
}

install_packages() {
    local missing
    missing=$(missing_packages)
    # A compiler is only needed when none is there.
    command -v cc >/dev/null || missing="$missing $(missing_packages "${BUILD_PACKAGES[@]}")"
    if ! python3 -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then
        missing="$missing python3-dev"
    fi
    # shellcheck disable=SC2086
    missing=$(echo $missing | tr ' ' '\n' | sort -u | tr '\n' ' ')
    if [ -z "${missing// /}" ]; then
        # build-test-guest.sh fetches the kernel with apt-get download,
        # which needs the package lists.
        if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
            log "no apt package lists: apt-get update"
            $SUDO apt-get update -q >/dev/null
        fi
        return 0
    fi
    log "installing $missing"
    $SUDO apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
}

# The user and groups QEMU runs as, and /dev/kvm for them.
setup_users() {
    getent group libvirt-qemu >/dev/null || $SUDO groupadd -r libvirt-qemu
    getent passwd libvirt-qemu >/dev/null ||
        $SUDO useradd -r -g libvirt-qemu -d /var/lib/libvirt \
            -s /usr/sbin/nologin libvirt-qemu
    if [ -e /dev/kvm ]; then
        getent group kvm >/dev/null || $SUDO groupadd -r kvm
        id -nG libvirt-qemu | tr ' ' '\n' | grep -qx kvm ||
            $SUDO usermod -a -G kvm libvirt-qemu
        if [ "$(stat -c '%U:%G %a' /dev/kvm)" != "root:kvm 660" ]; then
            $SUDO chown root:kvm /dev/kvm
            $SUDO chmod 0660 /dev/kvm
        fi
    fi
    $SUDO mkdir -p /var/log/libvirt/qemu
}

# stdio_handler = "file" in qemu.conf, every other setting kept.
setup_qemu_conf() {
    if [ ! -f "$QEMU_CONF" ]; then
        $SUDO mkdir -p "$(dirname "$QEMU_CONF")"
        echo 'stdio_handler = "file"' | $SUDO tee "$QEMU_CONF" >/dev/null
    elif grep -Eq '^[[:space:]]*stdio_handler[[:space:]]*=[[:space:]]*"file"' "$QEMU_CONF"; then
        return 0
    elif grep -Eq '^[[:space:]]*stdio_handler[[:space:]]*=' "$QEMU_CONF"; then
        $SUDO sed -i -E 's/^[[:space:]]*stdio_handler[[:space:]]*=.*/stdio_handler = "file"/' "$QEMU_CONF"
    else
        echo 'stdio_handler = "file"' | $SUDO tee -a "$QEMU_CONF" >/dev/null
    fi
    if answers; then
        log "$QEMU_CONF changed while libvirtd runs: it applies once libvirtd restarts"
    fi
}

install() {
    install_packages
    setup_users
    setup_qemu_conf
}

answers() {
    timeout 20 virsh -c "$URI" version >/dev/null 2>&1
}

start() {
    local started=0
    install
    if answers; then
        log "libvirtd answers at $URI"
        return 0
    fi
    # The system libvirtd's pid file (others, e.g. tools/libvirt/two-hosts.sh's,
    # have their own).
    if [ -s /run/libvirtd.pid ] &&
            [ "$(cat "/proc/$(cat /run/libvirtd.pid)/comm" 2>/dev/null)" = libvirtd ]; then
        log "libvirtd runs but does not answer yet: waiting"
    else
        log "starting libvirtd"
        $SUDO libvirtd -d
        started=1
    fi
    local deadline=$((SECONDS + START_TIMEOUT))
    until answers; do
        if [ $SECONDS -ge $deadline ]; then
            log "libvirtd does not answer at $URI after ${START_TIMEOUT}s"
            exit 1
        fi
        sleep 0.5
    done
    if [ "$started" = 1 ]; then
        cat /run/libvirtd.pid | $SUDO tee "$STARTED_MARK" >/dev/null || true
    fi
    log "libvirtd answers at $URI"
}

stop() {
    local pid
    if [ ! -f "$STARTED_MARK" ]; then
        log "no libvirtd started by this script: nothing to stop"
        return 0
    fi
    pid=$(cat "$STARTED_MARK")
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = libvirtd ]; then
        log "stopping libvirtd $pid"
        $SUDO kill "$pid"
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
    fi
    $SUDO rm -f "$STARTED_MARK"
}

[ $# -gt 0 ] || { sed -n '2,/^set -e/p' "$0" | sed '$d'; exit 2; }
for cmd in "$@"; do
    case "$cmd" in
        install) install ;;
        start) start ;;
        stop) stop ;;
        status) answers ;;
        *) sed -n '2,/^set -e/p' "$0" | sed '$d'; exit 2 ;;
    esac
done
