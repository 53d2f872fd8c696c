//! `bedside import FILE [--format csv|hl7] [--data-dir DIR] [--database-url URL] [--config
//! FILE]`: load patients (and their hospital numbers) into the identity index for go-live.
//! `bedside import dmd DIR`, `bedside import products FILE.csv` and `bedside import
//! high-risk FILE.csv` load the medicines catalogue, `bedside import recalls FILE.csv` a
//! backlog of medicine recalls (see [`catalogue`]); `bedside import staff FILE.csv` and
//! `bedside import locations FILE.csv` replace the staff and locations registers (see
//! [`registers`]).
//!
//! The format is read from the content unless `--format` says: HL7 v2 when the file (after
//! a byte-order mark and white space) starts with an MLLP start block or an `MSH`, `FHS` or
//! `BHS` segment, CSV otherwise.
//!
//! Contract, CSV: all or nothing. Prints `{"imported": N}` and exits 0, or
//! `{"errors": [{"line": N, "error": "…"}]}` and exits 1 with nothing written (messages
//! name the line, never the data); 2 on a usage error.
//!
//! Contract, HL7: all or nothing. Prints `{"imported": N, "merged": M, "messages": K}` (N
//! patients created or updated, M A40 merges, K messages) and exits 0, or
//! `{"errors": [{"message": N, "segment": "PID", "field": 7, "error": "…"}]}` (message 1-based
//! in file order, 0 for the file or batch envelope; segment and field when known) and exits
//! 1 with nothing written; 2 on a usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use bedside::import_hl7::Format;
use bedside_patient::TestData;
use clap::{Args, ValueEnum};

use super::serve::ConfigArgs;

mod catalogue;
mod registers;

/// The subcommands of `bedside import` (without one, FILE is a patient file).
#[derive(Debug, clap::Subcommand)]
pub(crate) enum ImportCommand {
    /// The medicines catalogue.
    #[command(flatten)]
    Catalogue(catalogue::CatalogueCommand),
    /// The staff and locations registers.
    #[command(flatten)]
    Registers(registers::RegisterCommand),
}

/// `--format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    /// nhs_number,family,given,date_of_birth,sex,mrn CSV.
    Csv,
    /// HL7 v2 ADT messages (plain, FHS/BHS batch, or MLLP-framed).
    Hl7,
}

/// Arguments of `bedside import`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct ImportArgs {
    /// The medicines catalogue or a register instead of patients.
    #[command(subcommand)]
    command: Option<ImportCommand>,
    /// CSV file with the header nhs_number,family,given,date_of_birth,sex,mrn, or an HL7
    /// v2 ADT file.
    #[arg(required = true)]
    file: Option<PathBuf>,
    /// The file's format (default: read from its content).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    #[command(flatten)]
    config: ConfigArgs,
}

/// Runs `bedside import`.
pub(crate) fn run(args: &ImportArgs) -> ExitCode {
    match &args.command {
        Some(ImportCommand::Catalogue(cmd)) => return catalogue::run(cmd),
        Some(ImportCommand::Registers(cmd)) => return registers::run(cmd),
        None => {}
    }
    let Some(file) = &args.file else {
        eprintln!(
            "bedside import: a FILE (or dmd, products, high-risk, recalls, staff, locations) is required"
        );
        return ExitCode::from(2);
    };
    let cfg = match args.config.load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bedside import: {e}");
            return ExitCode::from(2);
        }
    };
    let bytes = match std::fs::read(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("bedside import: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let test_data = if cfg.allow_test_nhs_numbers {
        TestData::Allow
    } else {
        TestData::Reject
    };
    let format = match args.format {
        Some(FormatArg::Csv) => Format::Csv,
        Some(FormatArg::Hl7) => Format::Hl7,
        None => bedside::import_hl7::detect(&bytes),
    };
    match format {
        Format::Csv => csv(file, &cfg, bytes, test_data),
        Format::Hl7 => hl7(&cfg, &bytes, test_data),
    }
}

fn csv(
    file: &std::path::Path,
    cfg: &bedside::config::Config,
    bytes: Vec<u8>,
    test_data: TestData,
) -> ExitCode {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            let e = std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            );
            eprintln!("bedside import: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let rows = match bedside::import::parse(&text, test_data) {
        Ok(r) => r,
        Err(errors) => {
            println!("{}", serde_json::json!({ "errors": errors }));
            return ExitCode::FAILURE;
        }
    };
    let rt = match super::runtime("import") {
        Ok(r) => r,
        Err(c) => return c,
    };
    let result = rt.block_on(async {
        let db = bedside::db::Db::connect_migrated(&cfg.effective_database_url(), 2).await?;
        Ok::<_, bedside::db::DbError>(bedside::import::apply(&db, &rows, "cli:import").await?)
    });
    match result {
        Ok(n) => {
            println!("{}", serde_json::json!({ "imported": n }));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bedside import: {e}");
            ExitCode::FAILURE
        }
    }
}

fn hl7(cfg: &bedside::config::Config, bytes: &[u8], test_data: TestData) -> ExitCode {
    let domain = match bedside_pix::domain::Domain::parse(&cfg.mrn_domain) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("bedside import: config: mrn_domain: {e}");
            return ExitCode::from(2);
        }
    };
    let ops = match bedside::import_hl7::parse(bytes, test_data, &domain) {
        Ok(o) => o,
        Err(errors) => {
            println!("{}", serde_json::json!({ "errors": errors }));
            return ExitCode::FAILURE;
        }
    };
    let rt = match super::runtime("import") {
        Ok(r) => r,
        Err(c) => return c,
    };
    let result = rt.block_on(async {
        let db = bedside::db::Db::connect_migrated(&cfg.effective_database_url(), 2).await?;
        Ok::<_, bedside::db::DbError>(bedside::import_hl7::apply(&db, &ops, "cli:import").await?)
    });
    match result {
        Ok(s) => {
            println!("{}", serde_json::json!(s));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bedside import: {e}");
            ExitCode::FAILURE
        }
    }
}
