//! `bedside printer status|list` and the printing half of `bedside wristband print`.
//!
//! - `bedside printer status --printer ADDRESS [--json] [--timeout S]`: the printer's own
//!   report in plain words, or one JSON object
//!   `{"printer":"…","ready":true|false,"problems":["…"],"warnings":["…"],"label_length_dots":N}`;
//!   exit 0 ready, 1 not ready or no answer, 2 usage error.
//! - `bedside printer list [--json]`: USB printer-class devices and serial ports, how to
//!   address each, and whether it can be opened.
//! - `bedside wristband print … --printer ADDRESS [--json]`: prints one band, confirmed by
//!   the printer's status; `{"printer":"…","printed":true|false,"error":"…","may_have_printed":…}`.

use std::process::ExitCode;
use std::time::Duration;

use bedside_printer::job::{self, JobError, JobOptions};
use bedside_printer::transport::{self, PrinterAddress};
use clap::{Args, Subcommand};
use serde_json::json;

use super::wristband::BandArgs;

/// Printer subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum PrinterCommand {
    /// Ask a printer for its status (~HS, ~HQES).
    Status(StatusArgs),
    /// List USB printers and serial ports on this machine.
    List(ListArgs),
}

/// `bedside printer status`
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// The printer: tcp://host:9100, usb, usb:VID:PID or serial:/dev/ttyUSB0[,baud=9600].
    #[arg(long, value_name = "ADDRESS")]
    printer: String,
    /// Seconds to wait for each reply.
    #[arg(long, default_value_t = 5)]
    timeout: u64,
    /// One JSON object.
    #[arg(long)]
    json: bool,
}

/// `bedside printer list`
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// One JSON object per printer.
    #[arg(long)]
    json: bool,
}

fn address(s: &str) -> Result<PrinterAddress, ExitCode> {
    s.parse().map_err(|e| {
        eprintln!("bedside printer: --printer: {e}");
        ExitCode::from(2)
    })
}

fn status(a: &StatusArgs) -> ExitCode {
    let addr = match address(&a.printer) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let timeout = Duration::from_secs(a.timeout.max(1));
    let result = transport::open(&addr, timeout)
        .map_err(|source| JobError::Unreachable { source })
        .and_then(|mut link| job::status(link.as_mut(), timeout));
    match result {
        Ok(s) => {
            let problems: Vec<String> = s.problems().iter().map(ToString::to_string).collect();
            let warnings: Vec<String> = s
                .errors
                .map(|e| e.warnings().iter().map(ToString::to_string).collect())
                .unwrap_or_default();
            let ready = problems.is_empty();
            if a.json {
                println!(
                    "{}",
                    json!({
                        "printer": addr.to_string(),
                        "ready": ready,
                        "problems": problems,
                        "warnings": warnings,
                        "label_length_dots": s.host.label_length_dots,
                        "formats_in_buffer": s.host.formats_in_buffer,
                    })
                );
            } else if ready {
                println!("{addr}: ready");
                for w in &warnings {
                    println!("  warning: {w}");
                }
            } else {
                println!("{addr}: NOT READY");
                for p in &problems {
                    println!("  {p}");
                }
            }
            if ready {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            if a.json {
                println!(
                    "{}",
                    json!({"printer": addr.to_string(), "ready": false, "problems": [e.to_string()], "warnings": []})
                );
            } else {
                println!("{addr}: NOT READY");
                println!("  {e}");
            }
            ExitCode::from(1)
        }
    }
}

fn list(a: &ListArgs) -> ExitCode {
    let found = transport::list();
    if a.json {
        for f in &found {
            println!(
                "{}",
                json!({"printer": f.address, "description": f.description, "usable": f.usable, "note": f.note})
            );
        }
    } else if found.is_empty() {
        println!(
            "no USB printers or serial ports found; network printers: --printer tcp://HOST:9100"
        );
    } else {
        for f in &found {
            println!(
                "{}  {}  [{}] {}",
                f.address,
                f.description,
                if f.usable { "usable" } else { "not usable" },
                f.note
            );
        }
    }
    ExitCode::SUCCESS
}

/// Runs a `bedside printer` subcommand.
pub(crate) fn run(cmd: &PrinterCommand) -> ExitCode {
    match cmd {
        PrinterCommand::Status(a) => status(a),
        PrinterCommand::List(a) => list(a),
    }
}

/// `bedside wristband print`: lay out, render ZPL, print with checks.
pub(crate) fn print_band(band: &BandArgs, printer: &str, timeout: u64, json_out: bool) -> ExitCode {
    let addr = match address(printer) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let layout = match super::wristband::layout(band) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bedside wristband print: {e}");
            return ExitCode::from(2);
        }
    };
    let zpl = match bedside_printer::zpl::render(
        &layout,
        &bedside_printer::zpl::ZplOptions {
            copies: band.copies(),
            job_id: Some(job_id()),
        },
    ) {
        Ok(z) => z,
        Err(e) => {
            eprintln!("bedside wristband print: {e}");
            return ExitCode::from(2);
        }
    };
    let t = Duration::from_secs(timeout.max(1));
    let opts = JobOptions {
        reply_timeout: t,
        finish_timeout: t * 6,
        ..JobOptions::default()
    };
    let result = transport::open(&addr, t)
        .map_err(|source| JobError::Unreachable { source })
        .and_then(|mut link| job::print(link.as_mut(), &zpl, &opts));
    match result {
        Ok(done) => {
            if json_out {
                println!(
                    "{}",
                    json!({"printer": addr.to_string(), "printed": true, "bytes": done.bytes, "elapsed_ms": done.elapsed.as_millis() as u64})
                );
            } else {
                println!("{addr}: printed and confirmed by the printer");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json_out {
                println!(
                    "{}",
                    json!({"printer": addr.to_string(), "printed": false, "error": e.to_string(), "may_have_printed": e.may_have_printed()})
                );
            } else {
                println!("{addr}: NOT PRINTED — {e}");
            }
            ExitCode::from(1)
        }
    }
}

/// A job id for the ZPL `^FX` comment: time-based, no patient data.
fn job_id() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("band-{ms:x}-{:x}", std::process::id())
}
