"""The libvirt virt driver: guests under QEMU/KVM (or QEMU/TCG)."""
