#!/bin/bash
# Build the tiny test guest from Debian packages only: the kernel of
# linux-image-amd64 (apt-get download) and a busybox-static initramfs whose
# init prints a boot marker on the serial console and powers the machine off
# when the ACPI power button is pressed (so soft reboot and clean stop work).
#
#   NOVA-TEST-GUEST-BOOTED <boot id>
#
# Config drive: init looks for a block device labelled config-2 (busybox
# findfs; an ISO 9660 drive is a cdrom on the IDE bus of the pc machine
# type or the SATA bus of q35, so the initramfs has cdrom, sr_mod, isofs,
# ata_piix, ahci and what they need; vfat and virtio disks are there too),
# mounts it read-only and prints
#
#   TESTGUEST-CONFIGDRIVE <device> <file system>
#   TESTGUEST-CONFIGDRIVE-UUID <"uuid" of openstack/latest/meta_data.json>
#   TESTGUEST-CONFIGDRIVE-KEY <first line of the first "public_keys" value>
#   TESTGUEST-CONFIGDRIVE-USERDATA <first line of openstack/latest/user_data>
#
# (KEY and USERDATA say "none" when the server has none), or, when no such
# device shows up within 20 s of boot,
#
#   TESTGUEST-CONFIGDRIVE none
#
# JSON is read by /bin/jsonget, a small JSON walker in busybox awk (no
# assumption on key order or formatting).
#
# Network (for the tests with Neutron): when the guest has a virtio NIC,
# init brings eth0 up and runs busybox udhcpc with a script that sets the
# lease's address, MTU and routes (udhcpc configures nothing by itself):
# the classless static routes of DHCP option 121 when the server sends
# them (Neutron's DHCP agent routes 169.254.169.254 to its port that way on
# networks without a router), else a default route via the router. It
# prints, on the serial console,
#
#   TESTGUEST-DHCP <ip>/<prefix> mtu <mtu> router <router>
#   TESTGUEST-ROUTES <option 121: destination gateway ...>   (when sent)
#
# Then, every 2 s, it pings .2 to .30 of its own /24 (side by side, one
# packet each, 1 s timeout) and prints a line when an address starts or
# stops answering (only changes, so the console log stays short):
#
#   TESTGUEST-PING <ip> ok
#   TESTGUEST-PING <ip> lost
#
# A test learns whether guest B reaches guest A from B's console output
# (os-getConsoleOutput), without per-guest input.
# Give the guests' subnet an allocation pool inside .2-.30.
#
# Metadata service: once it has a lease, the guest fetches
# http://169.254.169.254/openstack/latest/meta_data.json (busybox wget),
# retrying every 3 s for 60 s, and prints
#
#   TESTGUEST-METADATA-UUID <"uuid" of the answer>
#   TESTGUEST-METADATA failed <tries> tries: <last error>
#
#   tools/libvirt/build-test-guest.sh DIR
#
# Leaves DIR/vmlinuz, DIR/initrd.img and DIR/disk.qcow2 (a small empty root
# disk for the image source), and DIR/version. Re-running with the files of
# this version present does nothing; an older guest is rebuilt.
set -euo pipefail

# Bump when the guest changes, so cached guests are rebuilt.
VERSION=3-md

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
mkdir -p "$root"/{bin,dev,proc,sys,lib,mnt,tmp,etc/acpi/PWRF}
cp /bin/busybox "$root/bin/busybox"
# The modules init loads, by name: the ACPI power button (for acpid),
# the virtio NIC, and the config drive's path: the IDE controller of the
# pc machine type (ata_piix) or the SATA one of q35 (ahci), SCSI cdroms
# (sr_mod) and ISO 9660 (isofs); for a vfat drive ([DEFAULT]
# config_drive_format), virtio disks and FAT with the code page and
# character set the kernel's configuration makes its defaults. Each goes
# after the modules it depends on (modinfo's "depends" of the package's
# own files: the package ships no modules.dep, depmod makes it at
# install). Built-in ones are skipped.
kconfig() {
    sed -n "s/^CONFIG_$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "boot/config-$kver"
}
WANTED="button evdev virtio_pci virtio_net ata_piix ahci sr_mod isofs
virtio_blk vfat nls_cp$(kconfig FAT_DEFAULT_CODEPAGE)
nls_$(kconfig FAT_DEFAULT_IOCHARSET)"
PATH=$PATH:/sbin:/usr/sbin
command -v modinfo >/dev/null || { echo "$0: needs modinfo (kmod)" >&2; exit 1; }
kdir=lib/modules/$kver
declare -A modfile=() seen=()
while IFS= read -r file; do
    name=$(basename "$file")
    name=${name%%.ko*}
    modfile[${name//-/_}]=$file
done < <(find "$kdir/kernel" -name '*.ko*')
builtin=$(sed 's,.*/,,; s,\.ko$,,; s,-,_,g' "$kdir/modules.builtin")
load_order=()
add_module() {
    local name=${1//-/_} file dep
    [ -z "${seen[$name]:-}" ] || return 0
    seen[$name]=1
    if grep -qx "$name" <<<"$builtin"; then
        return 0
    fi
    file=${modfile[$name]:-}
    if [ -z "$file" ]; then
        echo "$0: kernel $kver has no module $name" >&2
        exit 1
    fi
    for dep in $(modinfo -F depends "$file" | tr , ' '); do
        add_module "$dep"
    done
    load_order+=("$file")
}
for name in $WANTED; do
    add_module "$name"
done
: > "$root/etc/modules"
for file in "${load_order[@]}"; do
    ko=$(basename "${file%.ko*}").ko
    case $file in
    *.ko) cp "$file" "$root/lib/$ko" ;;
    *.ko.xz) xz -dc "$file" > "$root/lib/$ko" ;;
    *.ko.zst) zstd -qdc "$file" > "$root/lib/$ko" ;;
    *.ko.gz) gzip -dc "$file" > "$root/lib/$ko" ;;
    *) echo "$0: cannot unpack $file" >&2; exit 1 ;;
    esac
    echo "/lib/$ko" >> "$root/etc/modules"
done
cat > "$root/etc/udhcpc.sh" <<'DHCP'
#!/bin/busybox sh
# udhcpc's event script: configure the lease and say so on the console.
# With classless static routes (option 121, asked for with -O
# staticroutes) the router option is ignored, as RFC 3442 says.
event=$1
case "$event" in
deconfig)
    ip addr flush dev "$interface"
    ip link set "$interface" up
    ;;
bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
    if [ -n "$staticroutes" ]; then
        set -- $staticroutes
        while [ $# -ge 2 ]; do
            dest=$1
            [ "$dest" = 0.0.0.0/0 ] && dest=default
            if [ "$2" = 0.0.0.0 ]; then
                ip route replace "$dest" dev "$interface"
            else
                ip route replace "$dest" via "$2" dev "$interface"
            fi
            shift 2
        done
    else
        for r in $router; do
            ip route replace default via "$r" dev "$interface"
            break
        done
    fi
    if [ "$event" = bound ] || [ "$(cat /tmp/ip 2>/dev/null)" != "$ip" ]; then
        echo "$ip" > /tmp/ip
        echo "TESTGUEST-DHCP $ip/${mask:-24} mtu ${mtu:-none} router ${router:-none}"
        [ -z "$staticroutes" ] || echo "TESTGUEST-ROUTES $staticroutes"
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
cat > "$root/bin/jsonget" <<'JSON'
#!/bin/busybox sh
# jsonget PATH < FILE: print the string (or number, true, false, null)
# found at PATH in the JSON document on stdin, e.g. "uuid" (a top-level
# key), "public_keys/*" (the first member of the object "public_keys"),
# "keys/0/data" (an array's item by index). Prints nothing, and exits 1,
# when there is no such value. Escapes are decoded except \uXXXX.
exec awk -v want="$1" '
function ws() {
    while (pos <= n && index(" \t\r\n", substr(s, pos, 1)))
        pos++
}
function str(   c, out) {
    pos++
    out = ""
    while (pos <= n) {
        c = substr(s, pos, 1)
        if (c == "\"") {
            pos++
            return out
        }
        if (c == "\\") {
            pos++
            c = substr(s, pos, 1)
            if (c == "n") c = "\n"
            else if (c == "t") c = "\t"
            else if (c == "r") c = "\r"
            else if (c == "b") c = "\b"
            else if (c == "f") c = "\f"
            else if (c == "u") {
                c = "\\u" substr(s, pos + 1, 4)
                pos += 4
            }
        }
        out = out c
        pos++
    }
    return out
}
# Parse the value at pos. "on" says whether it lies on the wanted path,
# "path" what is left of that path below it.
function value(on, path,   c, v, seg, rest, i, key, index_, close_) {
    ws()
    c = substr(s, pos, 1)
    if (c == "\"") {
        v = str()
    } else if (c == "{" || c == "[") {
        close_ = (c == "{") ? "}" : "]"
        pos++
        i = index(path, "/")
        seg = i ? substr(path, 1, i - 1) : path
        rest = i ? substr(path, i + 1) : ""
        index_ = 0
        for (;;) {
            ws()
            c = substr(s, pos, 1)
            if (pos > n || c == close_) {
                pos++
                return
            }
            if (c == ",") {
                pos++
                continue
            }
            if (close_ == "}") {
                key = str()
                ws()
                pos++
            } else {
                key = index_ ""
            }
            value(on && path != "" && (key == seg || (seg == "*" && index_ == 0)), rest)
            index_++
        }
    } else {
        v = ""
        while (pos <= n && !index(",}] \t\r\n", substr(s, pos, 1))) {
            v = v substr(s, pos, 1)
            pos++
        }
        if (v == "")
            pos++
    }
    if (on && path == "" && !found) {
        found = 1
        print v
    }
}
{ s = s $0 "\n" }
END {
    n = length(s)
    pos = 1
    found = 0
    value(1, want)
    exit found ? 0 : 1
}'
JSON
chmod 755 "$root/bin/jsonget"
cat > "$root/bin/configdrive" <<'CD'
#!/bin/busybox sh
# Find the config drive by its label, mount it and print what it says.
wait=${1:-20}
now() {
    cut -d. -f1 /proc/uptime
}
deadline=$(($(now) + wait))
while true; do
    dev=$(findfs LABEL=config-2 2>/dev/null) && break
    # mkfs.vfat may have written the label in capitals.
    dev=$(findfs LABEL=CONFIG-2 2>/dev/null) && break
    dev=
    [ "$(now)" -lt "$deadline" ] || break
    sleep 0.5
done
if [ -z "$dev" ]; then
    echo "TESTGUEST-CONFIGDRIVE none"
    exit 0
fi
mkdir -p /mnt/config
# No -t: mount tries the file systems the kernel has (iso9660, vfat).
if ! mount -o ro "$dev" /mnt/config 2>/tmp/cd.err; then
    echo "TESTGUEST-CONFIGDRIVE $dev unreadable: $(head -n 1 /tmp/cd.err)"
    exit 0
fi
echo "TESTGUEST-CONFIGDRIVE $dev $(awk '$2 == "/mnt/config" {print $3}' /proc/mounts)"
latest=/mnt/config/openstack/latest
uuid=$(jsonget uuid < $latest/meta_data.json)
key=$(jsonget 'public_keys/*' < $latest/meta_data.json | head -n 1)
userdata=none
[ -e $latest/user_data ] && userdata=$(head -n 1 $latest/user_data)
echo "TESTGUEST-CONFIGDRIVE-UUID ${uuid:-none}"
echo "TESTGUEST-CONFIGDRIVE-KEY ${key:-none}"
echo "TESTGUEST-CONFIGDRIVE-USERDATA $userdata"
umount /mnt/config
CD
chmod 755 "$root/bin/configdrive"
cat > "$root/bin/metadata" <<'MD'
#!/bin/busybox sh
# Once there is a lease: ask the metadata service for meta_data.json
# until it answers or $1 seconds have passed.
wait=${1:-60}
url=http://169.254.169.254/openstack/latest/meta_data.json
while [ ! -s /tmp/ip ]; do
    sleep 1
done
now() {
    cut -d. -f1 /proc/uptime
}
deadline=$(($(now) + wait))
tries=0
while true; do
    tries=$((tries + 1))
    if timeout 10 wget -q -O /tmp/md.json "$url" 2>/tmp/md.err; then
        uuid=$(jsonget uuid < /tmp/md.json)
        if [ -n "$uuid" ]; then
            echo "TESTGUEST-METADATA-UUID $uuid"
            exit 0
        fi
        reason="no uuid in: $(head -c 200 /tmp/md.json | head -n 1)"
    else
        reason=$(tail -n 1 /tmp/md.err)
        [ -n "$reason" ] || reason="no answer within 10 s"
    fi
    [ "$(now)" -lt "$deadline" ] || break
    sleep 3
done
echo "TESTGUEST-METADATA failed $tries tries: $reason"
MD
chmod 755 "$root/bin/metadata"
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
    insmod "$mod" 2>/dev/null || echo "TESTGUEST-INSMOD failed $mod"
done
# acpid opens the event devices it finds when it starts: wait for the
# power button's node to appear first.
for i in 1 2 3 4 5 6 7 8 9 10; do
    [ -e /dev/input/event1 ] && break
    sleep 0.2
done
acpid -f -c /etc/acpi -l /dev/null &
echo "NOVA-TEST-GUEST-BOOTED $(cat /proc/sys/kernel/random/boot_id)"
# In the background: the cdrom may take a moment to be probed.
configdrive 20 >/dev/console 2>&1 &
ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
    # -t/-T/-A: retry quickly (the port may become ACTIVE after boot).
    udhcpc -f -i eth0 -s /etc/udhcpc.sh -O mtu -O staticroutes \
        -t 5 -T 1 -A 2 >/dev/console 2>&1 &
    pinger >/dev/console 2>&1 &
    metadata 60 >/dev/console 2>&1 &
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
