//! `bedside demo list [--json]`: the demo data set (patients, wristband scans, staff
//! badges, locations, medicines, orders, one API token per role). Needs no database.
//!
//! Contract: `--json` prints one JSON object with `patients`, `wristbands`, `staff`,
//! `locations`, `medicines`, `orders`, `recalls`, `tokens`; scan data is raw text with
//! GS as `\u001d`.

use std::process::ExitCode;

use clap::Subcommand;

/// Demo subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum DemoCommand {
    /// Print the demo data set.
    List {
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn visible(scan: &str) -> String {
    scan.replace('\u{1d}', "<GS>")
}

/// Runs a `bedside demo` subcommand.
pub(crate) fn run(cmd: &DemoCommand) -> ExitCode {
    let DemoCommand::List { json } = cmd;
    let d = bedside::demo::data();
    if *json {
        match serde_json::to_string_pretty(&d) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("bedside demo list: {e}");
                return ExitCode::FAILURE;
            }
        }
        return ExitCode::SUCCESS;
    }
    println!("Demo patients (synthetic; 999-range NHS numbers are never issued):");
    for p in &d.patients {
        println!(
            "  {}  {}, {}  born {}  MRN {}\n    wristband: {}",
            p.nhs_number_display,
            p.family.to_uppercase(),
            p.given,
            p.date_of_birth_display,
            p.mrn,
            visible(&p.wristband_scan)
        );
    }
    println!("\nWristbands that show each refusal:");
    for b in &d.wristbands {
        println!(
            "  {} -> {}{}\n    {}",
            b.label,
            b.expect_status,
            b.expect_reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default(),
            visible(&b.scan)
        );
    }
    println!("\nStaff badges:");
    for s in &d.staff {
        println!(
            "  {} ({}{}): {}",
            s.name,
            s.role,
            if s.registered { "" } else { ", not registered" },
            visible(&s.badge_scan)
        );
    }
    println!("\nLocations:");
    for l in &d.locations {
        println!("  {}: {}", l.name, visible(&l.scan));
    }
    println!("\nMedicines:");
    for m in &d.medicines {
        println!(
            "  {} (GTIN {}, {}{})",
            m.name,
            m.gtin,
            m.vmp_id,
            if m.high_risk {
                ", high risk: second checker"
            } else {
                ""
            }
        );
        for p in &m.packs {
            println!("    {}: {}", p.label, visible(&p.scan));
        }
    }
    println!("\nOrders:");
    for o in &d.orders {
        println!("  {} {} {} {}", o.id, o.vmp_id, o.route, o.kind);
    }
    println!("\nAPI tokens (demo only; the database stores salted hashes):");
    for t in &d.tokens {
        println!("  {:<11} {}", t.role, t.token);
    }
    println!("\nGS separators are shown as <GS>; use --json for the raw scan data.");
    ExitCode::SUCCESS
}
