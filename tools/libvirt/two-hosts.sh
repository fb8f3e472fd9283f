#!/bin/bash
# Two libvirt "hosts" on this one machine, for live migration tests.
#
#   tools/libvirt/two-hosts.sh start   # start both (does nothing when up)
#   tools/libvirt/two-hosts.sh stop    # destroy their guests, stop, clean up
#   tools/libvirt/two-hosts.sh status  # exit 0 when both answer
#   tools/libvirt/two-hosts.sh env     # shell assignments: eval "$(... env)"
#
# Each host is a libvirtd of its own running as root in
#   - its own network namespace (nova-lm-a / nova-lm-b) with lo and an eth0
#     on a bridge (nova-lm-br) in the root namespace: host A is 10.254.0.1,
#     host B 10.254.0.2 and the root namespace 10.254.0.254 (/24);
#   - its own mount namespace where /etc/libvirt, /run/libvirt (also
#     /var/run/libvirt, a symlink), /var/lib/libvirt, /var/cache/libvirt and
#     /var/log/libvirt are bind mounts of $NOVA_TWO_HOSTS_DIR/<host>/...,
#     while every other path (instance directories under /tmp ...) is the
#     machine's own, so that the two hosts can share instance storage;
#   - its own UTS namespace (hostname nova-lm-a / nova-lm-b) and host UUID,
#     so that libvirt accepts to migrate from one to the other.
# Each libvirtd listens on TCP (no auth) on its address, for the
# peer-to-peer migration from the other host, and on its unix socket, which
# the root namespace reaches as
#   qemu+unix:///system?socket=$NOVA_TWO_HOSTS_DIR/<host>/run/libvirt-sock
# QEMU's migration stream, NBD disk copy and VNC listen on the host's address.
#
# The machine's own libvirtd (qemu:///system) is left alone.
set -euo pipefail

DIR=${NOVA_TWO_HOSTS_DIR:-/var/lib/nova-two-hosts}
BRIDGE=nova-lm-br
BRIDGE_ADDR=10.254.0.254
HOSTS="a b"

host_addr() { case $1 in a) echo 10.254.0.1 ;; b) echo 10.254.0.2 ;; esac; }
host_uuid() { echo "6e6f7661-6c6d-4000-8000-00000000000$1"; }
netns() { echo "nova-lm-$1"; }
sock() { echo "$DIR/$1/run/libvirt-sock"; }
uri() { echo "qemu+unix:///system?socket=$(sock "$1")"; }
pidfile() { echo "$DIR/$1/libvirtd.pid"; }

log() { echo "two-hosts: $*" >&2; }

running() {
    local pid
    pid=$(cat "$(pidfile "$1")" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

answers() {
    timeout 10 virsh -q -c "$(uri "$1")" version >/dev/null 2>&1
}

write_config() {
    local h=$1 addr d
    addr=$(host_addr "$h")
    d=$DIR/$h
    mkdir -p "$d/etc/qemu" "$d/run" "$d/lib" "$d/cache" "$d/log"
    cat > "$d/etc/libvirtd.conf" <<EOF
# two-hosts.sh host $h ($addr)
listen_tls = 0
listen_tcp = 1
listen_addr = "$addr"
auth_tcp = "none"
auth_unix_rw = "none"
auth_unix_ro = "none"
unix_sock_rw_perms = "0770"
host_uuid = "$(host_uuid "$h")"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
    cat > "$d/etc/qemu.conf" <<EOF
# two-hosts.sh host $h ($addr)
stdio_handler = "file"
vnc_listen = "$addr"
migration_address = "$addr"
migration_host = "$addr"
# Both hosts label the same files (shared instance directories): libvirt's
# record of the original owner in extended attributes would make the
# destination refuse a file the source still uses.
remember_owner = 0
EOF
    : > "$d/etc/libvirt.conf"
}

start_network() {
    local h=$1 ns addr
    ns=$(netns "$h")
    addr=$(host_addr "$h")
    if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
        ip link add "$BRIDGE" type bridge
        ip addr add "$BRIDGE_ADDR/24" dev "$BRIDGE"
        ip link set "$BRIDGE" up
    fi
    if ! ip netns list | grep -qw "^$ns"; then
        ip netns add "$ns"
    fi
    ip -n "$ns" link set lo up
    if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
        ip link del "$ns" 2>/dev/null || true
        ip link add "$ns" type veth peer name eth0 netns "$ns"
        ip link set "$ns" master "$BRIDGE" up
        ip -n "$ns" addr add "$addr/24" dev eth0
        ip -n "$ns" link set eth0 up
    fi
}

start_libvirtd() {
    local h=$1 d
    d=$DIR/$h
    # ip netns exec gives the command a mount namespace of its own (with
    # /sys of the network namespace); unshare adds the UTS namespace and
    # makes sure no mount below propagates back.
    ip netns exec "$(netns "$h")" unshare --mount --uts --propagation private \
        /bin/sh -ec '
            d=$1
            hostname "$2"
            mount --bind "$d/etc" /etc/libvirt
            mount --bind "$d/run" /run/libvirt
            mount --bind "$d/lib" /var/lib/libvirt
            mount --bind "$d/cache" /var/cache/libvirt
            mkdir -p /var/log/libvirt
            mount --bind "$d/log" /var/log/libvirt
            exec libvirtd --daemon --listen --pid-file "$d/libvirtd.pid" \
                --config /etc/libvirt/libvirtd.conf
        ' two-hosts "$d" "$(netns "$h")" 9>&-
    local i
    for i in $(seq 1 100); do
        if [ -S "$(sock "$h")" ] && answers "$h"; then
            return 0
        fi
        sleep 0.2
    done
    log "libvirtd of host $h did not answer; see $d/log/libvirtd.log"
    return 1
}

cmd_start() {
    local h
    for h in $HOSTS; do
        if running "$h" && answers "$h"; then
            continue
        fi
        write_config "$h"
        start_network "$h"
        start_libvirtd "$h"
        log "host $h: $(host_addr "$h"), $(uri "$h")"
    done
}

cmd_stop() {
    local h pid name
    for h in $HOSTS; do
        if running "$h"; then
            if answers "$h"; then
                for name in $(virsh -q -c "$(uri "$h")" list --name); do
                    virsh -q -c "$(uri "$h")" destroy "$name" >/dev/null 2>&1 || true
                done
            fi
            pid=$(cat "$(pidfile "$h")")
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
        fi
        ip link del "$(netns "$h")" 2>/dev/null || true
        ip netns del "$(netns "$h")" 2>/dev/null || true
        # QEMU's capabilities cache stays: probing takes seconds.
        rm -rf "${DIR:?}/$h"/{etc,run,lib,log,libvirtd.pid}
    done
    ip link del "$BRIDGE" 2>/dev/null || true
}

cmd_status() {
    local h rc=0
    for h in $HOSTS; do
        if running "$h" && answers "$h"; then
            echo "host $h: up ($(host_addr "$h"), $(uri "$h"))"
        else
            echo "host $h: down"
            rc=1
        fi
    done
    return $rc
}

cmd_env() {
    local h H
    echo "NOVA_TWO_HOSTS_DIR=$DIR"
    for h in $HOSTS; do
        H=$(echo "$h" | tr a-z A-Z)
        echo "NOVA_LM_HOST_${H}_URI='$(uri "$h")'"
        echo "NOVA_LM_HOST_${H}_ADDR=$(host_addr "$h")"
        echo "NOVA_LM_HOST_${H}_TCP_URI=qemu+tcp://$(host_addr "$h")/system"
        echo "NOVA_LM_HOST_${H}_NETNS=$(netns "$h")"
    done
}

locked() {
    # One start or stop at a time (test runs may share the hosts).
    mkdir -p "$DIR"
    exec 9>"$DIR/.lock"
    flock 9
    "$@"
}

case ${1:-} in
    start) locked cmd_start ;;
    stop) locked cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
