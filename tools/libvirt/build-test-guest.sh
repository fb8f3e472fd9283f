#!/bin/bash
# Build the tiny test guest from Debian packages only: the kernel of
# linux-image-amd64 (apt-get download) and a busybox-static initramfs whose
# init prints a boot marker on the serial console and powers the machine off
# when the ACPI power button is pressed (so soft reboot and clean stop work).
#
# Network (for the tests with Neutron): when the guest has a virtio NIC,
# init brings eth0 up and runs busybox udhcpc with a script that sets the
# lease's address, MTU and default route (udhcpc configures nothing by
# itself) and prints, on the serial console,
#
#   TESTGUEST-DHCP <ip>/<prefix>
#
# Then, every 2 s, it pings .2 to .30 of its own /24 (side by side, one
# packet each, 1 s timeout) and prints a line when an address starts or
# stops answering (only changes, so the console log stays short):
#
#   TESTGUEST-PING <ip> ok
#   TESTGUEST-PING <ip> lost
#
# A test learns whether guest B reaches guest A from B's console output
# (os-getConsoleOutput), without a metadata service or per-guest input.
# Give the guests' subnet an allocation pool inside .2-.30.
#
#   tools/libvirt/build-test-guest.sh DIR
#
# Leaves DIR/vmlinuz, DIR/initrd.img and DIR/disk.qcow2 (a small empty root
# disk for the image source), and DIR/version. Re-running with the files of
# this version present does nothing; an older guest is rebuilt.
set -euo pipefail

# Bump when the guest changes, so cached guests are rebuilt.
VERSION=2-net

out=${1:?usage: $0 DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ] && [ -s "$out/disk.qcow2" ] &&
        [ "$(cat "$out/version" 2>/dev/null)" = "$VERSION" ]; then
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
# apt's sandbox user cannot write into a root-owned mktemp dir.
chmod 777 "$work"
apt-get download -q "$kpkg" >/dev/null
dpkg-deb --fsys-tarfile ./"$kpkg"_*.deb | tar -x ./boot ./lib/modules
kver=${kpkg#linux-image-}
cp "boot/vmlinuz-$kver" "$out/vmlinuz.tmp"

root=$work/initramfs
mkdir -p "$root"/{bin,dev,proc,sys,lib,tmp,etc/acpi/PWRF}
cp /bin/busybox "$root/bin/busybox"
# In load order: the ACPI button, then virtio-net and what it needs.
MODULES="drivers/acpi/button.ko drivers/input/evdev.ko
drivers/virtio/virtio_ring.ko drivers/virtio/virtio.ko
drivers/virtio/virtio_pci_modern_dev.ko drivers/virtio/virtio_pci_legacy_dev.ko
drivers/virtio/virtio_pci.ko net/core/failover.ko drivers/net/net_failover.ko
drivers/net/virtio_net.ko"
: > "$root/etc/modules"
for mod in $MODULES; do
    if [ -e "lib/modules/$kver/kernel/$mod" ]; then
        cp "lib/modules/$kver/kernel/$mod" "$root/lib/"
        echo "/lib/$(basename "$mod")" >> "$root/etc/modules"
    fi
done
cat > "$root/etc/udhcpc.sh" <<'DHCP'
#!/bin/busybox sh
# udhcpc's event script: configure the lease and say so on the console.
case "$1" in
deconfig)
    ip addr flush dev "$interface"
    ip link set "$interface" up
    ;;
bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
    for r in $router; do
        ip route replace default via "$r" dev "$interface"
        break
    done
    if [ "$1" = bound ] || [ "$(cat /tmp/ip 2>/dev/null)" != "$ip" ]; then
        echo "$ip" > /tmp/ip
        echo "TESTGUEST-DHCP $ip/${mask:-24} mtu ${mtu:-none} router ${router:-none}"
    fi
    ;;
esac
exit 0
DHCP
chmod 755 "$root/etc/udhcpc.sh"
cat > "$root/bin/pinger" <<'PING'
#!/bin/busybox sh
# Ping .2-.30 of our /24 every 2 s; print each address's changes.
mkdir -p /tmp/ping
while true; do
    ip=$(cat /tmp/ip 2>/dev/null)
    if [ -n "$ip" ]; then
        net=${ip%.*}
        for i in $(seq 2 30); do
            peer=$net.$i
            [ "$peer" = "$ip" ] && continue
            (
                if ping -c 1 -W 1 "$peer" >/dev/null 2>&1; then
                    now=ok
                else
                    now=lost
                fi
                was=$(cat /tmp/ping/$peer 2>/dev/null || echo lost)
                if [ "$now" != "$was" ]; then
                    echo "$now" > /tmp/ping/$peer
                    echo "TESTGUEST-PING $peer $now"
                fi
            ) &
        done
        wait
    fi
    sleep 2
done
PING
chmod 755 "$root/bin/pinger"
cat > "$root/etc/acpi/PWRF/00000080" <<'ACPI'
#!/bin/busybox sh
echo "NOVA-TEST-GUEST: power button, powering off"
/bin/busybox poweroff -f
ACPI
chmod 755 "$root/etc/acpi/PWRF/00000080"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for mod in $(cat /etc/modules); do
    insmod "$mod" 2>/dev/null
done
# acpid opens the event devices it finds when it starts: wait for the
# power button's node to appear first.
for i in 1 2 3 4 5 6 7 8 9 10; do
    [ -e /dev/input/event1 ] && break
    sleep 0.2
done
acpid -f -c /etc/acpi -l /dev/null &
echo "NOVA-TEST-GUEST-BOOTED $(cat /proc/sys/kernel/random/boot_id)"
ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
    # -t/-T/-A: retry quickly (the port may become ACTIVE after boot).
    udhcpc -f -i eth0 -s /etc/udhcpc.sh -O mtu -t 5 -T 1 -A 2 \
        >/dev/console 2>&1 &
    pinger >/dev/console 2>&1 &
fi
while true; do sleep 3600; done
INIT
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.img.tmp"
qemu-img create -q -f qcow2 "$out/disk.qcow2.tmp" 64M
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initrd.img.tmp" "$out/initrd.img"
mv "$out/disk.qcow2.tmp" "$out/disk.qcow2"
echo "$VERSION" > "$out/version"
echo "test guest in $out (kernel $kver)"
