//! `bedside scanner …`: list the barcode scanners this machine can see, and
//! print scans as they arrive.
//!
//! `listen --json` is a scripted contract: one object per scan,
//! `{"device":"…","aim":"]d2","data":"<text with \u001d>","hri":"(8018)…"}`
//! (`aim` and `hri` are `null` when absent), or, for a frame that could not be
//! decoded, `{"device":"…","error":"frame"|"gs1","code":"…","message":"…",
//! "aim":…,"data":…}`. Device status goes to stderr.

use std::io::{self, Write};
use std::process::ExitCode;

use bedside_scanner::config::{Config, DeviceSpec, ScannerConfig};
use bedside_scanner::manager::{Manager, ManagerOptions, inventory};
use bedside_scanner::{Event, Fault, Scan, StatusKind, display_bytes};
use clap::{Args, Subcommand};
use serde_json::{Value, json};

/// Scanner subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ScannerCommand {
    /// List scanners: devices, interface mode, whether usable and why not.
    List(ListArgs),
    /// Print each scan as it arrives (GS shown as <GS>, GS1 data as HRI).
    Listen(ListenArgs),
}

/// `bedside scanner list`
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// One JSON object per device.
    #[arg(long)]
    json: bool,
}

/// `bedside scanner listen`
#[derive(Debug, Args)]
pub(crate) struct ListenArgs {
    /// Device to read, repeatable: `serial:/dev/ttyACM0,baud=9600,suffix=cr`,
    /// `usb:VID:PID[:SERIAL]`, `hidraw:/dev/hidrawN`,
    /// `evdev:/dev/input/eventN,layout=uk,gs=|`, or `all` (the default).
    #[arg(long, value_name = "SPEC")]
    device: Vec<String>,
    /// Per-device TOML configuration (`[[scanner]] device = "…"` plus options).
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// One JSON object per scan (or per frame that could not be decoded).
    #[arg(long)]
    json: bool,
    /// Exit after this many scans and faults.
    #[arg(long, value_name = "N")]
    count: Option<u64>,
}

/// Runs a `bedside scanner` subcommand. Exit status: 0 on success, 2 on a
/// usage or configuration error.
pub(crate) fn run(cmd: ScannerCommand) -> ExitCode {
    match cmd {
        ScannerCommand::List(a) => list(&a),
        ScannerCommand::Listen(a) => listen(&a),
    }
}

fn list(args: &ListArgs) -> ExitCode {
    let devices = inventory();
    let mut out = io::stdout().lock();
    if !args.json && devices.is_empty() {
        let _ = writeln!(
            out,
            "no scanners found (HID POS, scanner-vendor keyboards, USB serial ports)"
        );
    }
    for d in devices {
        let (usable, why, fix) = match &d.usable {
            Ok(()) => (true, None, None),
            Err(bedside_scanner::transport::TransportError::PermissionDenied { fix, .. }) => (
                false,
                Some("permission denied".to_owned()),
                Some(fix.clone()),
            ),
            Err(e) => (false, Some(e.to_string()), None),
        };
        let r = if args.json {
            let v = json!({"device": d.key.as_str(), "mode": d.mode, "description": d.description,
                "usable": usable, "reason": why, "fix": fix});
            writeln!(out, "{v}")
        } else {
            let state = match (&why, &fix) {
                (None, _) => "usable".to_owned(),
                (Some(w), None) => format!("not usable: {w}"),
                (Some(w), Some(f)) => {
                    format!("not usable: {w}; fix:\n    {}", f.replace('\n', "\n    "))
                }
            };
            writeln!(out, "{}\t{}\t{}\t{state}", d.key, d.mode, d.description)
        };
        if r.is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

fn scanners(args: &ListenArgs) -> Result<(Vec<ScannerConfig>, ManagerOptions), String> {
    let mut opts = ManagerOptions::default();
    let mut list = Vec::new();
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let cfg = Config::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        opts.poll = cfg.poll;
        list.extend(cfg.scanners);
    }
    for d in &args.device {
        let spec: DeviceSpec = d.parse().map_err(|e| format!("--device {d}: {e}"))?;
        list.push(ScannerConfig { spec, name: None });
    }
    if list.is_empty() {
        list.push(ScannerConfig {
            spec: DeviceSpec::All,
            name: None,
        });
    }
    Ok((list, opts))
}

fn listen(args: &ListenArgs) -> ExitCode {
    let (list, opts) = match scanners(args) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("bedside scanner: {e}");
            return ExitCode::from(2);
        }
    };
    let mut manager = Manager::start(list, opts);
    let mut seen = 0u64;
    let mut out = io::stdout().lock();
    while let Some(ev) = manager.blocking_recv() {
        let line = match &ev {
            Event::Scan(s) => Some(if args.json {
                scan_json(s).to_string()
            } else {
                scan_text(s)
            }),
            Event::Fault(f) => Some(if args.json {
                fault_json(f).to_string()
            } else {
                fault_text(f)
            }),
            Event::Status(s) => {
                match &s.kind {
                    StatusKind::Connected { description } => {
                        eprintln!("{}: connected ({description})", s.device)
                    }
                    StatusKind::Disconnected { error: Some(e) } => {
                        eprintln!("{}: disconnected: {e}", s.device)
                    }
                    StatusKind::Disconnected { error: None } => {
                        eprintln!("{}: disconnected", s.device)
                    }
                    StatusKind::Unusable { error } => {
                        eprintln!("{}: not usable: {error}", s.device)
                    }
                    _ => {}
                }
                None
            }
        };
        if let Some(line) = line {
            if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                break;
            }
            seen += 1;
            if args.count.is_some_and(|n| seen >= n) {
                break;
            }
        }
    }
    manager.stop();
    ExitCode::SUCCESS
}

fn scan_json(s: &Scan) -> Value {
    json!({
        "device": s.device.as_str(),
        "aim": s.aim.map(|a| a.to_string()),
        "data": s.data_text(),
        "hri": s.hri(),
    })
}

fn scan_text(s: &Scan) -> String {
    let aim = s.aim.map_or_else(|| "-".to_owned(), |a| a.to_string());
    match s.hri() {
        Some(hri) => format!("{}\t{aim}\t{}\t{hri}", s.device, s.data_display()),
        None => format!("{}\t{aim}\t{}", s.device, s.data_display()),
    }
}

fn fault_json(f: &Fault) -> Value {
    json!({
        "device": f.device.as_str(),
        "error": f.kind.class(),
        "code": f.kind.code(),
        "message": f.kind.to_string(),
        "aim": f.aim.map(|a| a.to_string()),
        "data": (!f.bytes.is_empty()).then(|| String::from_utf8_lossy(&f.bytes).into_owned()),
    })
}

fn fault_text(f: &Fault) -> String {
    let aim = f.aim.map_or_else(|| "-".to_owned(), |a| a.to_string());
    format!(
        "{}\t{aim}\t{}\tERROR [{}]: {}",
        f.device,
        display_bytes(&f.bytes),
        f.kind.code(),
        f.kind
    )
}
