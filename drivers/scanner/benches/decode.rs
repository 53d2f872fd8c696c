//! Decode throughput of each frame decoder, and end-to-end scan latency over a
//! pseudo-terminal (write on the master side → frame out of the serial
//! transport).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use bedside_scanner::decode::hidpos::{HidPosDecoder, HidPosLayout, encode_reports};
use bedside_scanner::decode::serial::{SerialConfig, SerialFramer};
use bedside_scanner::decode::wedge::{
    BootReportDecoder, EvdevDecoder, EventSize, KeyEvent, Layout, WedgeConfig, WedgeDecoder,
};
use bedside_scanner::decode::{Aim, Frame};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const SCAN: &[u8] = b"8018952000099900012352\x1d8019117\x1d91MRN0042\x1d010950600013435210ABC123456789\x1d17261231\x1d21SERIAL0001234567";

fn hidpos(c: &mut Criterion) {
    let aim = Aim::parse(b"]d2").ok();
    let reports = encode_reports(&HidPosLayout::STANDARD, aim, SCAN);
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes((reports.len() * 64) as u64));
    g.bench_function("hidpos 99-byte scan (2 reports)", |b| {
        let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
        b.iter(|| {
            let mut out = None;
            for r in &reports {
                out = d.push(black_box(r)).unwrap();
            }
            out.unwrap()
        })
    });
    let mut stream = Vec::new();
    for _ in 0..100 {
        stream.extend_from_slice(b"]d2");
        stream.extend_from_slice(SCAN);
        stream.push(b'\r');
    }
    g.throughput(Throughput::Bytes(stream.len() as u64));
    g.bench_function("serial 100 scans CR-framed", |b| {
        let mut f = SerialFramer::new(SerialConfig::default());
        let mut out: Vec<Result<Frame, _>> = Vec::with_capacity(100);
        b.iter(|| {
            out.clear();
            f.push(black_box(&stream), &mut out);
            out.len()
        })
    });
    let text = format!("]d2{}", String::from_utf8_lossy(SCAN));
    let mut keys = KeyEvent::type_str(&text, Layout::Uk).unwrap();
    keys.push(KeyEvent::press(0x28));
    keys.push(KeyEvent::release(0x28));
    // As boot-keyboard reports (one report per key change).
    let mut reports = Vec::new();
    let mut state = [0u8; 8];
    for k in &keys {
        if (0xE0..=0xE7).contains(&k.usage) {
            let bit = 1 << (k.usage - 0xE0);
            if k.pressed {
                state[0] |= bit
            } else {
                state[0] &= !bit
            }
        } else {
            state[2] = if k.pressed { k.usage } else { 0 };
        }
        reports.push(state);
    }
    g.throughput(Throughput::Bytes((reports.len() * 8) as u64));
    g.bench_function("wedge boot reports, 102-char scan", |b| {
        let mut br = BootReportDecoder::new();
        let mut w = WedgeDecoder::new(WedgeConfig::default());
        let mut ev = Vec::with_capacity(8);
        b.iter(|| {
            let mut out = None;
            for r in &reports {
                ev.clear();
                br.report(black_box(r), &mut ev).unwrap();
                for k in &ev {
                    if let Some(f) = w.key(*k) {
                        out = Some(f);
                    }
                }
            }
            out.unwrap().unwrap()
        })
    });
    let mut records = Vec::new();
    for k in &keys {
        let code = (0u16..256)
            .find(|c| bedside_scanner::decode::wedge::linux_key_to_usage(*c) == Some(k.usage))
            .unwrap();
        records.extend(EvdevDecoder::encode(
            EventSize::Time64,
            1,
            code,
            i32::from(k.pressed),
        ));
        records.extend(EvdevDecoder::encode(EventSize::Time64, 0, 0, 0));
    }
    g.throughput(Throughput::Bytes(records.len() as u64));
    g.bench_function("wedge evdev records, 102-char scan", |b| {
        let mut e = EvdevDecoder::new(EventSize::Time64);
        let mut w = WedgeDecoder::new(WedgeConfig::default());
        let mut ev = Vec::with_capacity(keys.len());
        b.iter(|| {
            ev.clear();
            e.push(black_box(&records), &mut ev);
            let mut out = None;
            for k in &ev {
                if let Some(f) = w.key(*k) {
                    out = Some(f);
                }
            }
            out.unwrap().unwrap()
        })
    });
    g.finish();
}

#[cfg(all(feature = "serial", target_os = "linux"))]
fn pty_latency(c: &mut Criterion) {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, mpsc};

    use bedside_scanner::FaultKind;
    use bedside_scanner::transport::FrameSink;
    use bedside_scanner::transport::serial::SerialSource;

    struct Tx(mpsc::Sender<Result<Frame, FaultKind>>, Arc<AtomicBool>);
    impl FrameSink for Tx {
        fn deliver(&mut self, f: Result<Frame, FaultKind>) {
            let _ = self.0.send(f);
        }
        fn stop_requested(&self) -> bool {
            self.1.load(Ordering::Relaxed)
        }
    }
    let p = nix::pty::openpty(None, None).unwrap();
    let path = std::fs::read_link(format!("/proc/self/fd/{}", p.slave.as_raw_fd())).unwrap();
    let mut src = SerialSource::open(path.to_str().unwrap(), &Default::default()).unwrap();
    let mut master = std::fs::File::from(p.master);
    let (tx, rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let h = std::thread::spawn(move || src.run(&mut Tx(tx, s)));
    let mut frame = b"]d2".to_vec();
    frame.extend_from_slice(SCAN);
    frame.push(b'\r');
    c.bench_function("end-to-end: 102-byte scan over a pty to a frame", |b| {
        b.iter(|| {
            master.write_all(&frame).unwrap();
            rx.recv().unwrap().unwrap()
        })
    });
    stop.store(true, Ordering::Relaxed);
    let _ = h.join();
    drop(p.slave);
}

#[cfg(not(all(feature = "serial", target_os = "linux")))]
fn pty_latency(_: &mut Criterion) {}

criterion_group!(benches, hidpos, pty_latency);
criterion_main!(benches);
