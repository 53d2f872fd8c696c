//! `bedside-printer-qemu-guest`: the USB printer-class driver under test inside the QEMU
//! guest of `.ci/qemu-usb.sh` (a test program, not for general use). The guest's init
//! script has added a configfs printer function (`usb_f_printer`, a Zebra-like IEEE 1284
//! id) to the dummy_hcd gadget, so the guest's own USB host stack sees a real printer-class
//! interface. This program plays the printer on the gadget side (`/dev/g_printer0`:
//! answers `~HS`, keeps a received label "in its buffer" for two polls) and prints a band
//! on the host side through `nusb`:
//!
//! 1. `GET_DEVICE_ID` returns the gadget's id (`CMD:ZPL`);
//! 2. a status query over bulk OUT/IN parses;
//! 3. a whole wristband job (several kilobytes of ZPL) goes out on bulk OUT, arrives
//!    byte-exact on the gadget, and is confirmed printed by the follow-up status polls;
//! 4. with the gadget reporting "head open", a job is refused and nothing is sent.
//!
//! Prints `BEDSIDE-QEMU-PRINTER: PASS` or `BEDSIDE-QEMU-PRINTER: FAIL <why>`.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bedside_patient::{NhsNumber, TestData};
use bedside_printer::job::{self, JobError, JobOptions};
use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
use bedside_printer::status::Problem;
use bedside_printer::transport::Link;
use bedside_printer::transport::usb::UsbLink;

type Result<T> = std::result::Result<T, String>;

fn hs(formats: u32, head_open: bool) -> Vec<u8> {
    format!(
        "\x02030,0,0,1800,{formats:03},0,0,0,000,0,0,0\x03\r\n\x02001,0,{},0,0,2,4,0,{formats:08},1,000\x03\r\n\x021234,0\x03\r\n",
        u8::from(head_open)
    )
    .into_bytes()
}

#[derive(Default)]
struct Gadget {
    jobs: Vec<Vec<u8>>,
    busy: u32,
}

/// The printer side: reads what the host sends on bulk OUT, answers on bulk IN.
fn gadget(state: Arc<Mutex<Gadget>>, head_open: Arc<AtomicBool>) -> Result<()> {
    let mut dev = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/g_printer0")
        .map_err(|e| format!("open /dev/g_printer0: {e}"))?;
    let mut pending = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        let n = dev
            .read(&mut buf)
            .map_err(|e| format!("gadget read: {e}"))?;
        pending.extend_from_slice(&buf[..n]);
        loop {
            if let Some(rest) = pending.strip_prefix(b"~HS") {
                pending = rest.to_vec();
                let reply = {
                    let mut g = state.lock().map_err(|_| "lock")?;
                    let formats = u32::from(g.busy > 0);
                    g.busy = g.busy.saturating_sub(1);
                    hs(formats, head_open.load(Ordering::SeqCst))
                };
                dev.write_all(&reply)
                    .map_err(|e| format!("gadget write: {e}"))?;
            } else if pending.starts_with(b"^XA") {
                let Some(end) = pending.windows(3).position(|w| w == b"^XZ") else {
                    break;
                };
                let mut job: Vec<u8> = pending.drain(..end + 3).collect();
                if pending.first() == Some(&b'\n') {
                    pending.remove(0);
                    job.push(b'\n');
                }
                let mut g = state.lock().map_err(|_| "lock")?;
                g.jobs.push(job);
                g.busy = 2;
            } else if pending.is_empty() || pending.len() < 3 {
                break;
            } else {
                pending.remove(0);
            }
        }
    }
}

fn run() -> Result<()> {
    let state = Arc::new(Mutex::new(Gadget::default()));
    let head_open = Arc::new(AtomicBool::new(false));
    {
        let (s, h) = (state.clone(), head_open.clone());
        std::thread::spawn(move || {
            if let Err(e) = gadget(s, h) {
                println!("guest: gadget side stopped: {e}");
            }
        });
    }
    let mut link = UsbLink::open(Some((0x1d6b, 0x0104)), Duration::from_secs(3))
        .map_err(|e| format!("open: {e}"))?;
    println!("guest: printer device id {:?}", link.device_id());
    if !link.device_id().contains("CMD:ZPL") {
        return Err(format!("device id without CMD:ZPL: {:?}", link.device_id()));
    }
    let status = job::status(&mut link, Duration::from_secs(3)).map_err(|e| e.to_string())?;
    if !status.problems().is_empty() {
        return Err(format!("status problems: {:?}", status.problems()));
    }
    let band = Band::new(&BandRequest::new(
        NhsNumber::parse("9990001235", TestData::Allow).map_err(|e| e.to_string())?,
        "O'Brien",
        "Zoë",
    ))
    .map_err(|e| e.to_string())?;
    let layout =
        Layout::new(&band, BandSize::Adult, Resolution::Dpi300).map_err(|e| e.to_string())?;
    let zpl =
        bedside_printer::zpl::render(&layout, &Default::default()).map_err(|e| e.to_string())?;
    let opts = JobOptions {
        reply_timeout: Duration::from_secs(3),
        finish_timeout: Duration::from_secs(20),
        poll: Duration::from_millis(100),
    };
    let done = job::print(&mut link, &zpl, &opts).map_err(|e| format!("print: {e}"))?;
    println!(
        "guest: job of {} bytes confirmed in {:?}",
        done.bytes, done.elapsed
    );
    {
        let g = state.lock().map_err(|_| "lock")?;
        if g.jobs != vec![zpl.clone()] {
            return Err(format!(
                "gadget received {} job(s), first {} bytes, sent {} bytes",
                g.jobs.len(),
                g.jobs.first().map_or(0, Vec::len),
                zpl.len()
            ));
        }
    }
    head_open.store(true, Ordering::SeqCst);
    match job::print(&mut link, &zpl, &opts) {
        Err(JobError::NotReady { problems, .. }) if problems == vec![Problem::HeadOpen] => {}
        other => return Err(format!("head open: expected NotReady, got {other:?}")),
    }
    let jobs = state.lock().map_err(|_| "lock")?.jobs.len();
    if jobs != 1 {
        return Err(format!(
            "a job reached a printer with its head open ({jobs} jobs)"
        ));
    }
    let _ = link.name();
    Ok(())
}

fn main() {
    match run() {
        Ok(()) => println!("BEDSIDE-QEMU-PRINTER: PASS"),
        Err(e) => println!("BEDSIDE-QEMU-PRINTER: FAIL {e}"),
    }
}
