#!/bin/bash
# Install the Debian packages the tests read config drives with:
#
#   cloud-init        cloud-init itself, for Debian's /usr/bin/python3: the
#                     config drive test has its ConfigDrive reader read ours
#   libarchive-tools  bsdtar, which unpacks ISO 9660 images (Rock Ridge)
#   dosfstools        mkfs.vfat, for FAT config drives
#   mtools            mcopy to fill FAT images without a mount, mdir and
#                     mtype to read them back
#
# (util-linux's blkid reads the labels; it is always there.) Only what is
# missing is installed; a machine with everything needs no network. The
# tests skip without these, or fail with NOVA_TEST_REQUIRE_CLOUDINIT=1.
set -euo pipefail

PACKAGES=(cloud-init libarchive-tools dosfstools mtools)
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
        grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "== test packages: all installed"
    exit 0
fi
echo "== test packages: installing ${missing[*]}"
$SUDO apt-get update -q >/dev/null
# No recommends: cloud-init would bring services this machine does not
# run; the package's Python modules are what the tests use.
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
