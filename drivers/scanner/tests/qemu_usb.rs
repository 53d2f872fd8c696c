//! USB for real, opt-in: runs `.ci/qemu-usb.sh`, which boots a Debian kernel
//! in QEMU with dummy_hcd gadgets (HID POS + CDC-ACM) and runs the driver
//! inside the guest (enumeration, multi-report GS1 scans, unplug/replug with
//! no scan lost or doubled). Skipped unless `BEDSIDE_QEMU_TESTS=1`: it needs
//! qemu-system-x86, busybox-static and a Debian kernel (`.ci/apt.txt`) and
//! takes minutes under software emulation. CI runs the script directly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[test]
fn usb_scanners_in_a_qemu_guest() {
    if std::env::var_os("BEDSIDE_QEMU_TESTS").is_none_or(|v| v != "1") {
        eprintln!("skipped: set BEDSIDE_QEMU_TESTS=1 to boot the QEMU USB test");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.ci/qemu-usb.sh");
    let status = std::process::Command::new("bash")
        .arg(script)
        .status()
        .expect("run .ci/qemu-usb.sh");
    assert!(status.success(), ".ci/qemu-usb.sh failed: {status}");
}
