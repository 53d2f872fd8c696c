//! `bedside scanner listen` end to end: a pseudo-terminal plays a serial
//! scanner; the JSON lines are the scripted contract.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn listen_json_prints_one_object_per_scan_and_typed_errors() {
    let pty = nix::pty::openpty(None, None).unwrap();
    let path = std::fs::read_link(format!("/proc/self/fd/{}", pty.slave.as_raw_fd())).unwrap();
    let mut master = File::from(pty.master);
    let spec = format!("serial:{},baud=9600,suffix=cr", path.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedside"))
        .args([
            "scanner", "listen", "--device", &spec, "--json", "--count", "4",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start bedside");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("status line");
    assert!(first.contains("connected"), "{first}");
    master
        .write_all(
            b"]d28018952000099900012352\x1d80191\r]C0MRN0042\r]d2801895200009990001235\r]C0PART",
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(600));
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(child.wait().unwrap().success());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    let dev = format!("serial:{}", path.display());
    assert_eq!(
        lines[0],
        format!(
            r#"{{"device":"{dev}","aim":"]d2","data":"8018952000099900012352\u001d80191","hri":"(8018)952000099900012352(8019)1"}}"#
        )
    );
    assert_eq!(
        lines[1],
        format!(r#"{{"device":"{dev}","aim":"]C0","data":"MRN0042","hri":null}}"#)
    );
    let e: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
    assert_eq!(e["error"], "gs1");
    assert_eq!(e["code"], "BAD_LENGTH");
    assert_eq!(e["aim"], "]d2");
    let e: serde_json::Value = serde_json::from_str(lines[3]).unwrap();
    assert_eq!(e["error"], "frame");
    assert_eq!(e["code"], "incomplete");
    drop(pty.slave);
}

#[test]
fn listen_text_shows_gs_and_hri_and_bad_spec_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_bedside"))
        .args(["scanner", "listen", "--device", "floppy:/dev/fd0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown device kind"));

    let pty = nix::pty::openpty(None, None).unwrap();
    let path = std::fs::read_link(format!("/proc/self/fd/{}", pty.slave.as_raw_fd())).unwrap();
    let mut master = File::from(pty.master);
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedside"))
        .args([
            "scanner",
            "listen",
            "--device",
            &format!("serial:{}", path.display()),
            "--count",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("connected"), "{line}");
    master.write_all(b"]C10109506000134352\x1d10AB1\r").unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(
        out.trim_end(),
        format!(
            "serial:{}\t]C1\t0109506000134352<GS>10AB1\t(01)09506000134352(10)AB1",
            path.display()
        )
    );
    drop(pty.slave);
}

#[test]
fn list_runs_without_devices() {
    let out = Command::new(env!("CARGO_BIN_EXE_bedside"))
        .args(["scanner", "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    for l in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["usable"].is_boolean());
    }
}
