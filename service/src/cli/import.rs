//! `bedside import FILE.csv [--data-dir DIR] [--database-url URL] [--config FILE]`: load
//! patients (and their hospital numbers) into the identity index for go-live.
//!
//! Contract: all or nothing. Prints `{"imported": N}` and exits 0, or
//! `{"errors": [{"line": N, "error": "…"}]}` and exits 1 with nothing written (messages
//! name the line, never the data); 2 on a usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use bedside_patient::TestData;
use clap::Args;

use super::serve::ConfigArgs;

/// Arguments of `bedside import`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// CSV file with the header nhs_number,family,given,date_of_birth,sex,mrn.
    file: PathBuf,
    #[command(flatten)]
    config: ConfigArgs,
}

/// Runs `bedside import`.
pub(crate) fn run(args: &ImportArgs) -> ExitCode {
    let cfg = match args.config.load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bedside import: {e}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("bedside import: cannot read {}: {e}", args.file.display());
            return ExitCode::from(2);
        }
    };
    let test_data = if cfg.allow_test_nhs_numbers {
        TestData::Allow
    } else {
        TestData::Reject
    };
    let rows = match bedside::import::parse(&text, test_data) {
        Ok(r) => r,
        Err(errors) => {
            println!("{}", serde_json::json!({ "errors": errors }));
            return ExitCode::FAILURE;
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("bedside import: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        let db = bedside::db::Db::connect(&cfg.effective_database_url(), 2).await?;
        db.migrate().await?;
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
