#!/usr/bin/env bash
# USB for real: boots a Debian kernel in QEMU (software emulation) with a tiny
# busybox initramfs. Inside, dummy_hcd + configfs emulate a HID POS scanner
# and a CDC-ACM scanner on the guest's own USB bus, and the bedside-scanner
# driver (drivers/scanner/qemu/guest.rs, statically linked) reads
# them: enumeration, multi-report GS1 scans, unplug/replug (gadget
# unbind/rebind) with every scan delivered exactly once. The same gadget
# carries a USB printer-class function (a Zebra-like wristband printer) that
# drivers/printer/qemu/guest.rs prints a band on through nusb.
#
# Needs (.ci/apt.txt): qemu-system-x86, busybox-static, linux-image-amd64, cpio.
# Run: .ci/qemu-usb.sh   (about 1-3 minutes on 2 cores; exit 0 = pass)
# Environment: QEMU_USB_TIMEOUT (seconds for the guest, default 240),
#              CARGO_TARGET_DIR (as usual).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
timeout_s="${QEMU_USB_TIMEOUT:-240}"

for tool in qemu-system-x86_64 cpio; do
    command -v "$tool" >/dev/null || { echo "qemu-usb: $tool missing (see .ci/apt.txt)" >&2; exit 1; }
done
[ -x /bin/busybox ] || { echo "qemu-usb: /bin/busybox missing (busybox-static)" >&2; exit 1; }
# The newest installed Debian kernel that has the gadget modules.
kver=""
for d in $(ls -1 /lib/modules 2>/dev/null | sort -V -r); do
    if [ -f "/boot/vmlinuz-$d" ] && find "/lib/modules/$d" -name 'dummy_hcd.ko*' | grep -q .; then kver="$d"; break; fi
done
[ -n "$kver" ] || { echo "qemu-usb: no kernel with dummy_hcd in /lib/modules (linux-image-amd64)" >&2; exit 1; }

echo "qemu-usb: building the guest test program (static)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked \
    -p bedside-scanner --features serial,usb --bin bedside-scanner-qemu-guest \
    --target x86_64-unknown-linux-gnu --target-dir "$target_dir" 2>&1 | tail -n 3
RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked \
    -p bedside-printer --features usb --bin bedside-printer-qemu-guest \
    --target x86_64-unknown-linux-gnu --target-dir "$target_dir" 2>&1 | tail -n 3
guest_bin="$target_dir/x86_64-unknown-linux-gnu/release/bedside-scanner-qemu-guest"
printer_bin="$target_dir/x86_64-unknown-linux-gnu/release/bedside-printer-qemu-guest"
for b in "$guest_bin" "$printer_bin"; do
    if ldd "$b" 2>&1 | grep -q '=>'; then
        echo "qemu-usb: $b is not static" >&2; exit 1
    fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/bedside-qemu-usb.XXXXXX")"
trap 'rm -rf "$work"' EXIT
ir="$work/initramfs"
mkdir -p "$ir"/{bin,dev,proc,sys,tmp,lib/modules}
cp /bin/busybox "$ir/bin/busybox"
cp "$guest_bin" "$ir/bin/qemu_guest"
cp "$printer_bin" "$ir/bin/printer_guest"
modules="usb-common usbcore hid usbhid hid-generic cdc-acm configfs udc-core libcomposite dummy_hcd u_serial usb_f_acm usb_f_hid usb_f_printer"
for m in $modules; do
    f="$(find "/lib/modules/$kver" -name "$m.ko*" | head -n1)"
    [ -n "$f" ] || { echo "qemu-usb: module $m missing in $kver" >&2; exit 1; }
    case "$f" in
        *.ko.xz) xz -dc "$f" >"$ir/lib/modules/$m.ko" ;;
        *.ko.zst) zstd -qdc "$f" >"$ir/lib/modules/$m.ko" ;;
        *) cp "$f" "$ir/lib/modules/$m.ko" ;;
    esac
done
cat >"$ir/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $modules; do insmod /lib/modules/\$m.ko || echo "insmod \$m failed"; done
mount -t configfs none /sys/kernel/config
g=/sys/kernel/config/usb_gadget/bedside
mkdir -p \$g/strings/0x409 \$g/configs/c.1/strings/0x409 \$g/functions/hid.usb0 \$g/functions/acm.usb0 \$g/functions/printer.usb0
echo 0x1d6b > \$g/idVendor
echo 0x0104 > \$g/idProduct
echo BEDSIDE-TEST-0001 > \$g/strings/0x409/serialnumber
echo Bedside > \$g/strings/0x409/manufacturer
echo "Emulated HID POS + CDC scanner" > \$g/strings/0x409/product
echo "scanner" > \$g/configs/c.1/strings/0x409/configuration
echo 0 > \$g/functions/hid.usb0/protocol
echo 0 > \$g/functions/hid.usb0/subclass
echo 64 > \$g/functions/hid.usb0/report_length
# HID POS report descriptor: usage page 0x8C, bar code scanner, report ID 2, 63 bytes.
printf '\\x05\\x8c\\x09\\x02\\xa1\\x01\\x85\\x02\\x15\\x00\\x26\\xff\\x00\\x75\\x08\\x95\\x3f\\x09\\xfe\\x82\\x02\\x01\\xc0' > \$g/functions/hid.usb0/report_desc
ln -s \$g/functions/hid.usb0 \$g/configs/c.1/
ln -s \$g/functions/acm.usb0 \$g/configs/c.1/
# A Zebra-like wristband printer (USB printer class 7/1/2) for bedside-printer.
echo "MFG:Zebra Technologies;CMD:ZPL;MDL:ZD510-HC (emulated);CLS:PRINTER;" > \$g/functions/printer.usb0/pnp_string
echo 10 > \$g/functions/printer.usb0/q_len
ln -s \$g/functions/printer.usb0 \$g/configs/c.1/
echo dummy_udc.0 > \$g/UDC
echo "guest: gadget bound; starting driver test"
/bin/qemu_guest
echo "guest: driver test exited \$?"
echo "guest: starting printer test"
/bin/printer_guest
echo "guest: printer test exited \$?"
poweroff -f
INIT
chmod +x "$ir/init"
(cd "$ir" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"
echo "qemu-usb: initramfs $(du -h "$work/initramfs.gz" | cut -f1), kernel $kver; booting"

out="$work/console.log"
start=$SECONDS
rc=0
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 \
    -accel tcg,thread=multi -cpu max -m 512 -smp 2 -nographic -no-reboot \
    -kernel "/boot/vmlinuz-$kver" -initrd "$work/initramfs.gz" \
    -append "console=ttyS0 quiet panic=-1 loglevel=3" \
    -device qemu-xhci,id=xhci -device usb-kbd,bus=xhci.0 \
    </dev/null >"$out" 2>&1 || rc=$?
echo "qemu-usb: guest ran $((SECONDS - start))s (qemu exit $rc)"
grep -E '^(guest:|scan |fault |connected |disconnected |unusable |BEDSIDE-QEMU-RESULT|BEDSIDE-QEMU-PRINTER)' "$out" | tr -d '\r' || true
if grep -q 'BEDSIDE-QEMU-RESULT: PASS' "$out" && grep -q 'BEDSIDE-QEMU-PRINTER: PASS' "$out"; then
    echo "qemu-usb: PASS"
    exit 0
fi
echo "qemu-usb: FAIL; last console lines:" >&2
tail -n 40 "$out" | tr -d '\r' >&2
exit 1
