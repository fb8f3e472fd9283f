#!/bin/bash
# Build the tiny test guest from Debian packages only: the kernel of
# linux-image-amd64 (apt-get download) and a busybox-static initramfs whose
# init prints a boot marker on the serial console and powers the machine off
# when the ACPI power button is pressed (so soft reboot and clean stop work).
#
#   tools/libvirt/build-test-guest.sh DIR
#
# Leaves DIR/vmlinuz, DIR/initrd.img and DIR/disk.qcow2 (a small empty root
# disk for the image source). Re-running with the files present does nothing.
set -euo pipefail

out=${1:?usage: $0 DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ] && [ -s "$out/disk.qcow2" ]; then
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
mkdir -p "$root"/{bin,dev,proc,sys,lib,etc/acpi/PWRF}
cp /bin/busybox "$root/bin/busybox"
for mod in drivers/acpi/button.ko drivers/input/evdev.ko; do
    cp "lib/modules/$kver/kernel/$mod" "$root/lib/"
done
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
insmod /lib/evdev.ko
insmod /lib/button.ko
# acpid opens the event devices it finds when it starts: wait for the
# power button's node to appear first.
for i in 1 2 3 4 5 6 7 8 9 10; do
    [ -e /dev/input/event1 ] && break
    sleep 0.2
done
acpid -f -c /etc/acpi -l /dev/null &
echo "NOVA-TEST-GUEST-BOOTED $(cat /proc/sys/kernel/random/boot_id)"
while true; do sleep 3600; done
INIT
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.img.tmp"
qemu-img create -q -f qcow2 "$out/disk.qcow2.tmp" 64M
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initrd.img.tmp" "$out/initrd.img"
mv "$out/disk.qcow2.tmp" "$out/disk.qcow2"
echo "test guest in $out (kernel $kver)"
