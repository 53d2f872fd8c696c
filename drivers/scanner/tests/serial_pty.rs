//! The serial transport for real: `serialport` reading the slave side of a
//! pseudo-terminal while the test plays the scanner on the master side.
#![cfg(all(feature = "serial", target_os = "linux"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use bedside_scanner::config::{ScannerConfig, SerialSettings};
use bedside_scanner::decode::Frame;
use bedside_scanner::decode::serial::SerialError;
use bedside_scanner::manager::{Manager, ManagerOptions};
use bedside_scanner::transport::serial::SerialSource;
use bedside_scanner::transport::{FrameSink, TransportError};
use bedside_scanner::{Event, FaultKind, StatusKind};

/// openpty is not thread-safe with respect to pty naming in every libc:
/// create pairs one at a time.
static PTY: Mutex<()> = Mutex::new(());

struct Pty {
    master: File,
    _slave: OwnedFd,
    path: PathBuf,
}

fn pty() -> Pty {
    let _g = PTY.lock().unwrap_or_else(|e| e.into_inner());
    let p = nix::pty::openpty(None, None).unwrap();
    let path = std::fs::read_link(format!("/proc/self/fd/{}", p.slave.as_raw_fd())).unwrap();
    Pty {
        master: File::from(p.master),
        _slave: p.slave,
        path,
    }
}

struct Collect {
    tx: mpsc::Sender<Result<Frame, FaultKind>>,
    stop: Arc<AtomicBool>,
}

impl FrameSink for Collect {
    fn deliver(&mut self, frame: Result<Frame, FaultKind>) {
        let _ = self.tx.send(frame);
    }
    fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

type Reader = (
    mpsc::Receiver<Result<Frame, FaultKind>>,
    Arc<AtomicBool>,
    thread::JoinHandle<Result<(), TransportError>>,
);

fn reader(path: &std::path::Path, settings: SerialSettings) -> Reader {
    let mut src = SerialSource::open(path.to_str().unwrap(), &settings).unwrap();
    let (tx, rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let h = thread::spawn(move || src.run(&mut Collect { tx, stop: s }));
    (rx, stop, h)
}

fn next(rx: &mpsc::Receiver<Result<Frame, FaultKind>>) -> Result<Frame, FaultKind> {
    rx.recv_timeout(Duration::from_secs(10))
        .expect("no frame within 10 s")
}

#[test]
fn fragmented_writes_make_one_exact_frame() {
    let mut p = pty();
    let (rx, stop, h) = reader(&p.path, SerialSettings::default());
    let scan = b"]d28018952000099900012352\x1d80191\r";
    for b in scan {
        p.master.write_all(&[*b]).unwrap();
        thread::sleep(Duration::from_millis(2));
    }
    let f = next(&rx).unwrap();
    assert_eq!(f.scan_data(), &scan[..scan.len() - 1]);
    stop.store(true, Ordering::Relaxed);
    h.join().unwrap().unwrap();
}

#[test]
fn missing_suffix_is_reported_and_not_glued_to_the_next_scan() {
    let mut p = pty();
    let settings = SerialSettings {
        gap: Duration::from_millis(100),
        ..Default::default()
    };
    let (rx, stop, h) = reader(&p.path, settings);
    p.master.write_all(b"]C0PART").unwrap();
    thread::sleep(Duration::from_millis(300));
    p.master.write_all(b"]C0NEXT\r").unwrap();
    assert_eq!(
        next(&rx),
        Err(FaultKind::Serial(SerialError::Incomplete { len: 7 }))
    );
    assert_eq!(next(&rx).unwrap().data, b"NEXT");
    stop.store(true, Ordering::Relaxed);
    h.join().unwrap().unwrap();
}

#[test]
fn scanner_without_suffix_framed_by_idle_gap() {
    let mut p = pty();
    let mut settings = SerialSettings::default();
    settings.apply("suffix", "none").unwrap();
    settings.apply("gap", "60").unwrap();
    let (rx, stop, h) = reader(&p.path, settings);
    p.master.write_all(b"]E09501101530003").unwrap();
    thread::sleep(Duration::from_millis(200));
    p.master.write_all(b"]E05000112545678").unwrap();
    assert_eq!(next(&rx).unwrap().data, b"9501101530003");
    assert_eq!(next(&rx).unwrap().data, b"5000112545678");
    stop.store(true, Ordering::Relaxed);
    h.join().unwrap().unwrap();
}

#[test]
fn noise_bytes_between_frames_are_skipped() {
    let mut p = pty();
    let (rx, stop, h) = reader(&p.path, SerialSettings::default());
    p.master
        .write_all(b"\0\x11\n]C0A\r\n\0\x13]C0B\r\n")
        .unwrap();
    assert_eq!(next(&rx).unwrap().data, b"A");
    assert_eq!(next(&rx).unwrap().data, b"B");
    stop.store(true, Ordering::Relaxed);
    h.join().unwrap().unwrap();
}

#[test]
fn peer_closing_mid_frame_reports_the_cut_and_the_disconnect() {
    let mut p = pty();
    let (rx, _stop, h) = reader(&p.path, SerialSettings::default());
    p.master.write_all(b"]C0WHOLE\r]C0HAL").unwrap();
    assert_eq!(next(&rx).unwrap().data, b"WHOLE");
    thread::sleep(Duration::from_millis(50));
    drop(p.master);
    assert_eq!(
        next(&rx),
        Err(FaultKind::Serial(SerialError::Incomplete { len: 6 }))
    );
    let err = h.join().unwrap().unwrap_err();
    assert!(
        matches!(err, TransportError::Disconnected { .. }),
        "{err:?}"
    );
}

#[test]
fn ten_thousand_scans_back_to_back_none_lost() {
    let p = pty();
    let (rx, stop, h) = reader(&p.path, SerialSettings::default());
    let mut master = p.master;
    let writer = thread::spawn(move || {
        let mut batch = Vec::new();
        for i in 0..10_000u32 {
            batch.extend_from_slice(
                format!("]d2010950600013435221S{i:06}\x1d10LOT{}\r", i % 97).as_bytes(),
            );
            if batch.len() > 3000 {
                master.write_all(&batch).unwrap();
                batch.clear();
            }
        }
        master.write_all(&batch).unwrap();
        master
    });
    for i in 0..10_000u32 {
        let f = next(&rx).unwrap();
        assert_eq!(
            f.data,
            format!("010950600013435221S{i:06}\x1d10LOT{}", i % 97).as_bytes()
        );
    }
    let _master = writer.join().unwrap();
    assert!(
        rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "extra frame"
    );
    stop.store(true, Ordering::Relaxed);
    h.join().unwrap().unwrap();
}

/// Unplug and replug between scans, through the manager: the device is named
/// by a stable path (a symlink, as udev makes), the node behind it changes.
#[test]
fn manager_reconnects_without_losing_or_duplicating_scans() {
    let dir = std::env::temp_dir().join(format!("bedside-scanner-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("scanner");
    let _ = std::fs::remove_file(&link);
    let first = pty();
    std::os::unix::fs::symlink(&first.path, &link).unwrap();
    let spec = format!("serial:{},suffix=cr", link.display())
        .parse()
        .unwrap();
    let opts = ManagerOptions {
        backoff_min: Duration::from_millis(20),
        backoff_max: Duration::from_millis(200),
        ..Default::default()
    };
    let mut m = Manager::start(vec![ScannerConfig { spec, name: None }], opts);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let mut events = Vec::new();
    let wait_for = |m: &mut Manager, pred: &dyn Fn(&Event) -> bool| -> Vec<Event> {
        let mut got = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let ev = rt
                .block_on(async { tokio::time::timeout(left, m.recv()).await })
                .expect("timed out")
                .expect("closed");
            let done = pred(&ev);
            got.push(ev);
            if done {
                return got;
            }
        }
    };
    let connected =
        |e: &Event| matches!(e, Event::Status(s) if matches!(s.kind, StatusKind::Connected { .. }));
    events.extend(wait_for(&mut m, &connected));
    let mut master = first.master;
    for i in 0..50 {
        master
            .write_all(format!("]C0SCAN{i:03}\r").as_bytes())
            .unwrap();
    }
    events.extend(wait_for(
        &mut m,
        &|e| matches!(e, Event::Scan(s) if s.bytes == b"SCAN049"),
    ));
    // Unplug: the node disappears, then a new node comes back under the same name.
    drop(master);
    drop(first._slave);
    events.extend(wait_for(
        &mut m,
        &|e| matches!(e, Event::Status(s) if matches!(s.kind, StatusKind::Disconnected { .. })),
    ));
    let second = pty();
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&second.path, &link).unwrap();
    events.extend(wait_for(&mut m, &connected));
    let mut master = second.master;
    for i in 50..100 {
        master
            .write_all(format!("]C0SCAN{i:03}\r").as_bytes())
            .unwrap();
    }
    events.extend(wait_for(
        &mut m,
        &|e| matches!(e, Event::Scan(s) if s.bytes == b"SCAN099"),
    ));
    let scans: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Scan(s) => Some(s.data_text()),
            _ => None,
        })
        .collect();
    let expected: Vec<String> = (0..100).map(|i| format!("SCAN{i:03}")).collect();
    assert_eq!(scans, expected);
    assert!(
        events.iter().all(|e| !matches!(e, Event::Fault(_))),
        "no faults between scans"
    );
    assert!(
        events
            .iter()
            .all(|e| e.device().as_str() == format!("serial:{}", link.display()))
    );
    m.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn end_to_end_gs1_scan_through_manager() {
    let p = pty();
    let spec = format!("serial:{}", p.path.display()).parse().unwrap();
    let mut m = Manager::start(
        vec![ScannerConfig { spec, name: None }],
        ManagerOptions::default(),
    );
    // Write only once the port is open and raw: bytes queued on a fresh pty
    // before that go through the canonical line discipline (CR becomes LF).
    loop {
        if let Event::Status(_) = m.blocking_recv().unwrap() {
            break;
        }
    }
    let mut master = p.master;
    master
        .write_all(b"]d28018952000099900012352\x1d80191\r]d2801895200009990001235\r")
        .unwrap();
    let mut got = Vec::new();
    while got.len() < 2 {
        match m.blocking_recv().unwrap() {
            Event::Status(_) => {}
            e => got.push(e),
        }
    }
    let Event::Scan(s) = &got[0] else {
        panic!("{:?}", got[0])
    };
    assert_eq!(s.hri().unwrap(), "(8018)952000099900012352(8019)1");
    assert_eq!(s.aim.unwrap().to_string(), "]d2");
    let Event::Fault(f) = &got[1] else {
        panic!("{:?}", got[1])
    };
    assert_eq!(f.kind.class(), "gs1");
    m.stop();
}
