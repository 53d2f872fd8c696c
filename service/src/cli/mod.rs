//! Command-line surface of the `bedside` binary: one module per subcommand.
//!
//! Each subcommand module owns its `Args` type and a `run` function returning an
//! exit code, so issues can extend the tool without touching each other's code.

use clap::{Parser, Subcommand};

pub(crate) mod audit;
pub(crate) mod barcode;
pub(crate) mod demo;
pub(crate) mod gs1;
pub(crate) mod import;
pub(crate) mod outbox;
pub(crate) mod pix;
pub(crate) mod printer;
pub(crate) mod scanner;
pub(crate) mod serve;
pub(crate) mod token;
pub(crate) mod wristband;

/// The single-threaded runtime a one-shot command runs its database work on; if there is
/// none, says so as `bedside <command>: …` and gives the exit code.
pub(crate) fn runtime(command: &str) -> Result<tokio::runtime::Runtime, std::process::ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("bedside {command}: {e}");
            std::process::ExitCode::FAILURE
        })
}

/// Bedside: positive patient identification with GS1 barcodes.
#[derive(Debug, Parser)]
#[command(name = "bedside", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands of `bedside`.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Parse, validate and convert GS1 data (element strings, scan data, Digital Link).
    #[command(subcommand)]
    Gs1(gs1::Gs1Command),
    /// Ask the regional PIX manager which NHS number belongs to a local identifier.
    #[command(subcommand)]
    Pix(pix::PixCommand),
    /// Run the positive-ID HTTP service (SQLite in ./bedside-data by default).
    Serve(serve::ServeArgs),
    /// Apply the database migrations and exit.
    Migrate(serve::ConfigArgs),
    /// The demo data set: patients, wristband scans, badges, medicines, tokens.
    #[command(subcommand)]
    Demo(demo::DemoCommand),
    /// Load patients and hospital numbers from a CSV or HL7 v2 ADT file (all or nothing).
    Import(import::ImportArgs),
    /// The hash-chained audit trail.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// API tokens: create (secret shown once), list, revoke.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Make GS1 DataMatrix / GS1-128 images, and read symbols from images.
    #[command(subcommand)]
    Barcode(barcode::BarcodeCommand),
    /// Barcode scanners: list them, or print scans as they arrive.
    #[command(subcommand)]
    Scanner(scanner::ScannerCommand),
    /// Patient wristbands: ZPL, PDF, PNG, or printed and confirmed.
    #[command(subcommand)]
    Wristband(wristband::WristbandCommand),
    /// Wristband printers: status and discovery.
    #[command(subcommand)]
    Printer(printer::PrinterCommand),
    /// Messages to the EPR (HL7 v2.5 RAS^O17): list them, re-queue one.
    #[command(subcommand)]
    Outbox(outbox::OutboxCommand),
}

impl Cli {
    /// Runs the chosen subcommand and returns the process exit code.
    pub(crate) fn run(self) -> std::process::ExitCode {
        match self.command {
            Command::Gs1(cmd) => gs1::run(cmd),
            Command::Pix(cmd) => pix::run(cmd),
            Command::Serve(args) => serve::serve(&args),
            Command::Migrate(args) => serve::migrate(&args),
            Command::Demo(cmd) => demo::run(&cmd),
            Command::Audit(cmd) => audit::run(&cmd),
            Command::Scanner(cmd) => scanner::run(cmd),
            Command::Import(args) => import::run(&args),
            Command::Barcode(cmd) => barcode::run(cmd),
            Command::Wristband(cmd) => wristband::run(cmd),
            Command::Printer(cmd) => printer::run(&cmd),
            Command::Token(cmd) => token::run(&cmd),
            Command::Outbox(cmd) => outbox::run(&cmd),
        }
    }
}
