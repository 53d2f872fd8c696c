//! The `bedside` command-line tool.
use clap::Parser;

mod cli;

fn main() -> std::process::ExitCode {
    cli::Cli::parse().run()
}
