//! `bedside-scanner-qemu-guest`: the driver under test inside the QEMU guest of
//! `.ci/qemu-usb.sh` (a test program, not for general use). The guest's init script has built a configfs gadget on
//! dummy_hcd — a HID POS scanner (`/dev/hidg0`) and a CDC-ACM scanner
//! (`/dev/ttyGS0`) — so the guest's own USB host stack (usbhid, cdc_acm, usbfs)
//! sees real devices. This program plays the scanner on the gadget side and
//! reads with the manager on the host side:
//!
//! 1. enumeration: both devices connect (HID POS through nusb with usbhid
//!    detached, CDC-ACM through serialport);
//! 2. multi-report GS1 scans (99 bytes in two HID POS reports) and serial
//!    scans arrive byte-exact;
//! 3. the gadget is unbound and rebound (unplug/replug) between scans: both
//!    devices reconnect, and every scan arrives exactly once.
//!
//! Prints `BEDSIDE-QEMU-RESULT: PASS` or `BEDSIDE-QEMU-RESULT: FAIL <why>`.

use std::fs::OpenOptions;
use std::io::Write;
use std::time::{Duration, Instant};

use bedside_scanner::config::{DeviceSpec, ScannerConfig};
use bedside_scanner::decode::Aim;
use bedside_scanner::decode::hidpos::{HidPosLayout, encode_reports};
use bedside_scanner::manager::{Manager, ManagerOptions};
use bedside_scanner::{Event, StatusKind};

const UDC: &str = "/sys/kernel/config/usb_gadget/bedside/UDC";
const WRISTBAND: &[u8] = b"8018952000099900012352\x1d8019117\x1d91MRN0042\x1d010950600013435210ABC123456789\x1d17261231\x1d21SERIAL0001234567";

type Result<T> = std::result::Result<T, String>;

struct Run {
    m: Manager,
    scans: Vec<(String, Vec<u8>, Option<String>)>,
    log: Vec<String>,
}

impl Run {
    /// Collects events until `done` says so, or fails after `secs`.
    fn until(&mut self, secs: u64, what: &str, done: &dyn Fn(&Run) -> bool) -> Result<()> {
        let end = Instant::now() + Duration::from_secs(secs);
        while !done(self) {
            if Instant::now() > end {
                return Err(format!("timed out waiting for {what}; log: {:?}", self.log));
            }
            let Some(ev) = self.m.try_recv() else {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            match ev {
                Event::Scan(s) => {
                    println!(
                        "scan {} {} {}",
                        s.device,
                        s.scan_data().len(),
                        s.data_display()
                    );
                    self.scans
                        .push((s.device.to_string(), s.scan_data(), s.hri()));
                }
                Event::Fault(f) => {
                    println!("fault {f}");
                    self.log.push(format!("fault {f}"));
                }
                Event::Status(s) => {
                    let text = match &s.kind {
                        StatusKind::Connected { description } => {
                            format!("connected {} {description}", s.device)
                        }
                        StatusKind::Disconnected { .. } => format!("disconnected {}", s.device),
                        StatusKind::Unusable { error } => format!("unusable {} {error}", s.device),
                        _ => format!("status {}", s.device),
                    };
                    println!("{text}");
                    self.log.push(text);
                }
            }
        }
        Ok(())
    }

    fn count(&self, prefix: &str) -> usize {
        self.log.iter().filter(|l| l.starts_with(prefix)).count()
    }
}

fn hid_scan(aim: &[u8; 3], data: &[u8]) -> Result<()> {
    let mut g = OpenOptions::new()
        .write(true)
        .open("/dev/hidg0")
        .map_err(|e| format!("hidg0: {e}"))?;
    for r in encode_reports(&HidPosLayout::STANDARD, Aim::parse(aim).ok(), data) {
        g.write_all(&r).map_err(|e| format!("hidg0 write: {e}"))?;
    }
    Ok(())
}

fn acm_scan(frame: &[u8]) -> Result<()> {
    let mut p = serialport::new("/dev/ttyGS0", 115_200)
        .timeout(Duration::from_secs(2))
        .open()
        .map_err(|e| format!("ttyGS0: {e}"))?;
    p.write_all(frame)
        .map_err(|e| format!("ttyGS0 write: {e}"))?;
    p.flush().map_err(|e| e.to_string())?;
    std::thread::sleep(Duration::from_millis(100));
    Ok(())
}

fn set_udc(value: &str) -> Result<()> {
    std::fs::write(UDC, value).map_err(|e| format!("UDC <- {value:?}: {e}"))
}

fn round(run: &mut Run, n: usize, expect_total: usize) -> Result<()> {
    let mut serial = WRISTBAND.to_vec();
    serial.extend_from_slice(format!("\x1d92ROUND{n}").as_bytes());
    hid_scan(b"]d2", &serial)?;
    hid_scan(b"]C0", format!("MRN{n:04}").as_bytes())?;
    let mut frame = b"]d2".to_vec();
    frame.extend_from_slice(&serial);
    frame.push(b'\r');
    acm_scan(&frame)?;
    run.until(30, "scans", &|r| r.scans.len() >= expect_total)
}

fn main() {
    let result = test();
    match &result {
        Ok(()) => println!("BEDSIDE-QEMU-RESULT: PASS"),
        Err(e) => println!("BEDSIDE-QEMU-RESULT: FAIL {e}"),
    }
    let _ = std::io::stdout().flush();
    std::process::exit(i32::from(result.is_err()));
}

fn test() -> Result<()> {
    let specs = ["usb:1d6b:0104", "serial:/dev/ttyACM0,suffix=cr"];
    let scanners = specs
        .iter()
        .map(|s| {
            s.parse::<DeviceSpec>()
                .map(|spec| ScannerConfig { spec, name: None })
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>>>()?;
    let opts = ManagerOptions {
        backoff_min: Duration::from_millis(50),
        backoff_max: Duration::from_millis(500),
        ..Default::default()
    };
    let mut run = Run {
        m: Manager::start(scanners, opts),
        scans: Vec::new(),
        log: Vec::new(),
    };
    // 1. Enumeration.
    run.until(60, "both scanners to connect", &|r| {
        r.count("connected") >= 2
    })?;
    // 2. Scans.
    round(&mut run, 1, 3)?;
    // 3. Unplug and replug between scans.
    set_udc("\n")?; // An empty write is a no-op on configfs: unbind needs a newline.
    run.until(30, "both disconnects", &|r| r.count("disconnected") >= 2)?;
    std::thread::sleep(Duration::from_millis(300));
    set_udc("dummy_udc.0")?;
    run.until(60, "both reconnects", &|r| r.count("connected") >= 4)?;
    round(&mut run, 2, 6)?;
    // Nothing lost, nothing doubled, nothing mangled.
    std::thread::sleep(Duration::from_millis(500));
    run.until(1, "late events", &|_| true)?;
    if run.scans.len() != 6 {
        return Err(format!(
            "expected 6 scans, got {}: {:?}",
            run.scans.len(),
            run.scans
        ));
    }
    if run.log.iter().any(|l| l.starts_with("fault")) {
        return Err(format!("faults: {:?}", run.log));
    }
    for n in [1usize, 2] {
        let mut want = b"]d2".to_vec();
        want.extend_from_slice(WRISTBAND);
        want.extend_from_slice(format!("\x1d92ROUND{n}").as_bytes());
        for dev in ["usb:1d6b:0104", "serial:/dev/ttyACM0"] {
            let hits = run
                .scans
                .iter()
                .filter(|(d, b, h)| d == dev && *b == want && h.is_some())
                .count();
            if hits != 1 {
                return Err(format!(
                    "{dev} round {n}: {hits} copies of the GS1 scan; {:?}",
                    run.scans
                ));
            }
        }
        let mrn = format!("]C0MRN{n:04}").into_bytes();
        if run.scans.iter().filter(|(_, b, _)| *b == mrn).count() != 1 {
            return Err(format!("round {n}: MRN scan missing or doubled"));
        }
    }
    run.m.stop();
    Ok(())
}
