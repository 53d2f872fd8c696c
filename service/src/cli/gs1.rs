//! `bedside gs1 …`
use clap::Subcommand;

/// GS1 subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Gs1Command {
    /// Validate one input per line from stdin and print one JSON verdict per line.
    Check,
}

/// Runs a `bedside gs1` subcommand.
pub(crate) fn run(cmd: Gs1Command) -> std::process::ExitCode {
    match cmd {
        Gs1Command::Check => std::process::ExitCode::FAILURE,
    }
}
