//! Command-line surface of the `bedside` binary: one module per subcommand.
//!
//! Each subcommand module owns its `Args` type and a `run` function returning an
//! exit code, so issues can extend the tool without touching each other's code.

use clap::{Parser, Subcommand};

pub(crate) mod gs1;
pub(crate) mod pix;

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
}

impl Cli {
    /// Runs the chosen subcommand and returns the process exit code.
    pub(crate) fn run(self) -> std::process::ExitCode {
        match self.command {
            Command::Gs1(cmd) => gs1::run(cmd),
            Command::Pix(cmd) => pix::run(cmd),
        }
    }
}
