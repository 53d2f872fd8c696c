//! Print jobs against a fake Zebra-style printer on a real loopback TCP socket and on a
//! real pty: status replies, every fault, a printer that never answers, one that hangs up,
//! garbage replies, faults that appear while printing, and re-sending a failed job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use bedside_printer::job::{self, JobError, JobOptions};
use bedside_printer::status::Problem;
use bedside_printer::transport::{self, PrinterAddress, TransportError};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Ready,
    PaperOut,
    HeadOpen,
    Paused,
    /// Accepts the connection, never answers.
    Silent,
    /// Closes the connection when a job arrives.
    HangUpOnJob,
    /// Answers ~HS with bytes that are not a status reply.
    Garbage,
    /// Ready before the job; head open afterwards.
    OpensDuringJob,
    /// Keeps the format in its buffer for ever.
    Stuck,
}

#[derive(Default)]
struct Printer {
    jobs: Vec<Vec<u8>>,
    /// ~HS replies left showing the last job as still in the buffer.
    busy_polls: u32,
}

fn hs(paper_out: bool, paused: bool, formats: u32, head_open: bool) -> Vec<u8> {
    format!(
        "\x02030,{},{},1800,{:03},0,0,0,000,0,0,0\x03\r\n\x02001,0,{},0,0,2,4,0,{:08},1,000\x03\r\n\x021234,0\x03\r\n",
        u8::from(paper_out),
        u8::from(paused),
        formats,
        u8::from(head_open),
        formats
    )
    .into_bytes()
}

fn hqes(group1: u32) -> Vec<u8> {
    format!(
        "\x02\r\n\r\n  PRINTER STATUS\r\n   ERRORS:         {} 00000000 {group1:08X}\r\n   WARNINGS:       0 00000000 00000000\r\n\x03\r\n",
        u8::from(group1 != 0)
    )
    .into_bytes()
}

fn serve(mode: Mode, state: Arc<Mutex<Printer>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { return };
            let state = state.clone();
            thread::spawn(move || handle(conn, mode, &state));
        }
    });
    port
}

fn handle<S: Read + Write>(mut conn: S, mode: Mode, state: &Mutex<Printer>) {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if mode == Mode::Silent {
            continue;
        }
        pending.extend_from_slice(&buf[..n]);
        loop {
            // A tilde command or a whole ^XA…^XZ format, whichever comes first.
            if let Some(rest) = pending.strip_prefix(b"~HQES") {
                pending = rest.to_vec();
                let g1 = match mode {
                    Mode::PaperOut => 1,
                    Mode::HeadOpen => 4,
                    _ => 0,
                };
                let _ = conn.write_all(&hqes(g1));
            } else if let Some(rest) = pending.strip_prefix(b"~HS") {
                pending = rest.to_vec();
                let mut st = state.lock().unwrap();
                let jobs = st.jobs.len();
                let formats = u32::from(st.busy_polls > 0);
                st.busy_polls = st.busy_polls.saturating_sub(1);
                if mode == Mode::Stuck && jobs > 0 {
                    st.busy_polls = 1;
                }
                drop(st);
                let reply = match mode {
                    Mode::Garbage => b"\x02hello\x03\r\n\x02\x03\r\n\x02\x03\r\n".to_vec(),
                    Mode::PaperOut => hs(true, false, 0, false),
                    Mode::Paused => hs(false, true, 0, false),
                    Mode::HeadOpen => hs(false, false, 0, true),
                    Mode::OpensDuringJob if jobs > 0 => hs(false, false, formats, true),
                    _ => hs(false, false, formats, false),
                };
                let _ = conn.write_all(&reply);
            } else if pending.starts_with(b"^XA") {
                let Some(end) = pending.windows(3).position(|w| w == b"^XZ") else {
                    break;
                };
                let job: Vec<u8> = pending.drain(..end + 3).collect();
                if mode == Mode::HangUpOnJob {
                    return;
                }
                let mut st = state.lock().unwrap();
                st.jobs.push(job);
                st.busy_polls = 2;
            } else if let Some(skip) = pending.iter().position(|&b| b == b'~' || b == b'^') {
                if skip == 0 {
                    // An incomplete command: wait for more bytes.
                    if pending.len() < 5 {
                        break;
                    }
                    pending.remove(0);
                } else {
                    pending.drain(..skip);
                }
            } else {
                pending.clear();
                break;
            }
        }
    }
}

fn format_text(zpl: &[u8]) -> String {
    String::from_utf8_lossy(zpl).trim_end().to_owned()
}

fn jobs_text(state: &Mutex<Printer>) -> Vec<String> {
    state
        .lock()
        .unwrap()
        .jobs
        .iter()
        .map(|j| format_text(j))
        .collect()
}

fn opts() -> JobOptions {
    JobOptions {
        reply_timeout: Duration::from_millis(400),
        finish_timeout: Duration::from_secs(2),
        poll: Duration::from_millis(20),
    }
}

fn label() -> Vec<u8> {
    use bedside_patient::{NhsNumber, TestData};
    use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
    let band = Band::new(&BandRequest::new(
        NhsNumber::parse("9990001235", TestData::Allow).unwrap(),
        "O'Brien ~HS ^XZ",
        "Zoë",
    ))
    .unwrap();
    let l = Layout::new(&band, BandSize::Adult, Resolution::Dpi203).unwrap();
    bedside_printer::zpl::render(&l, &Default::default()).unwrap()
}

fn link(port: u16) -> Box<dyn transport::Link> {
    let addr: PrinterAddress = format!("tcp://127.0.0.1:{port}").parse().unwrap();
    transport::open(&addr, Duration::from_secs(1)).unwrap()
}

#[test]
fn ready_printer_confirms_the_job() {
    let state = Arc::new(Mutex::new(Printer::default()));
    let port = serve(Mode::Ready, state.clone());
    let zpl = label();
    let done = job::print(link(port).as_mut(), &zpl, &opts()).unwrap();
    assert_eq!(done.bytes, zpl.len());
    assert!(done.after.is_idle());
    // The hostile name's "~HS" and "^XZ" were escaped: exactly one job, byte for byte
    // (the fake printer cuts each format at its ^XZ).
    assert_eq!(jobs_text(&state), vec![format_text(&zpl)]);
}

#[test]
fn not_ready_printers_get_nothing() {
    for (mode, want) in [
        (Mode::PaperOut, Problem::PaperOut),
        (Mode::HeadOpen, Problem::HeadOpen),
        (Mode::Paused, Problem::Paused),
    ] {
        let state = Arc::new(Mutex::new(Printer::default()));
        let port = serve(mode, state.clone());
        let err = job::print(link(port).as_mut(), &label(), &opts()).unwrap_err();
        assert_eq!(
            err,
            JobError::NotReady {
                printer: format!("tcp://127.0.0.1:{port}"),
                problems: vec![want]
            }
        );
        assert!(!err.may_have_printed());
        assert!(state.lock().unwrap().jobs.is_empty(), "{mode:?}");
    }
}

#[test]
fn silence_is_never_readiness() {
    let state = Arc::new(Mutex::new(Printer::default()));
    let port = serve(Mode::Silent, state.clone());
    let err = job::print(link(port).as_mut(), &label(), &opts()).unwrap_err();
    assert!(
        matches!(
            err,
            JobError::Unreachable {
                source: TransportError::NoReply { .. }
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("nothing was sent"));
}

#[test]
fn garbage_status_sends_nothing() {
    let state = Arc::new(Mutex::new(Printer::default()));
    let port = serve(Mode::Garbage, state.clone());
    let err = job::print(link(port).as_mut(), &label(), &opts()).unwrap_err();
    assert!(matches!(err, JobError::StatusBefore { .. }), "{err}");
    assert!(state.lock().unwrap().jobs.is_empty());
}

#[test]
fn a_fault_while_printing_is_reported_and_the_job_can_be_resent() {
    let state = Arc::new(Mutex::new(Printer::default()));
    let port = serve(Mode::OpensDuringJob, state.clone());
    let zpl = label();
    let err = job::print(link(port).as_mut(), &zpl, &opts()).unwrap_err();
    assert_eq!(
        err,
        JobError::FailedDuring {
            printer: format!("tcp://127.0.0.1:{port}"),
            problems: vec![Problem::HeadOpen]
        }
    );
    assert!(err.may_have_printed());
    // The same bytes go to a working printer.
    let state2 = Arc::new(Mutex::new(Printer::default()));
    let port2 = serve(Mode::Ready, state2.clone());
    job::print(link(port2).as_mut(), &zpl, &opts()).unwrap();
    assert_eq!(jobs_text(&state2), vec![format_text(&zpl)]);
}

#[test]
fn a_dropped_connection_is_not_printed() {
    let state = Arc::new(Mutex::new(Printer::default()));
    let port = serve(Mode::HangUpOnJob, state.clone());
    let err = job::print(link(port).as_mut(), &label(), &opts()).unwrap_err();
    assert!(err.may_have_printed(), "{err}");
    assert!(
        matches!(err, JobError::Unconfirmed { .. } | JobError::Send { .. }),
        "{err}"
    );
}

#[test]
fn a_job_never_finished_is_unconfirmed() {
    let state = Arc::new(Mutex::new(Printer::default()));
    let port = serve(Mode::Stuck, state.clone());
    let err = job::print(link(port).as_mut(), &label(), &opts()).unwrap_err();
    assert!(matches!(err, JobError::Unconfirmed { .. }), "{err}");
    assert!(err.to_string().contains("not confirmed printed"));
}

#[test]
fn status_reads_both_replies() {
    let state = Arc::new(Mutex::new(Printer::default()));
    let port = serve(Mode::HeadOpen, state);
    let s = job::status(link(port).as_mut(), Duration::from_millis(500)).unwrap();
    assert_eq!(s.problems(), vec![Problem::HeadOpen]);
    assert!(s.errors.is_some());
}

#[test]
fn nobody_listening() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let addr: PrinterAddress = format!("tcp://127.0.0.1:{port}").parse().unwrap();
    assert!(matches!(
        transport::open(&addr, Duration::from_millis(300)),
        Err(TransportError::Connect { .. })
    ));
}

/// The same fake printer on the far end of a real pty pair, through `serialport`.
#[cfg(all(unix, feature = "serial"))]
#[test]
fn serial_printer_over_a_pty() {
    use bedside_printer::transport::{Flow, serial::SerialLink};
    use std::os::fd::AsRawFd;
    let pty = nix::pty::openpty(None, None).unwrap();
    let path = std::fs::read_link(format!("/proc/self/fd/{}", pty.slave.as_raw_fd()))
        .unwrap()
        .display()
        .to_string();
    let printer_end = std::fs::File::from(pty.master);
    let state = Arc::new(Mutex::new(Printer::default()));
    let st = state.clone();
    thread::spawn(move || handle(printer_end, Mode::Ready, &st));
    let mut link = SerialLink::open(&path, 9600, Flow::None, Duration::from_secs(1)).unwrap();
    drop(pty.slave);
    let zpl = label();
    let done = job::print(&mut link, &zpl, &opts()).unwrap();
    assert_eq!(done.bytes, zpl.len());
    assert_eq!(jobs_text(&state), vec![format_text(&zpl)]);
}
