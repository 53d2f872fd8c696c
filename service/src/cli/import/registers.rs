//! `bedside import staff FILE.csv` and `bedside import locations FILE.csv`: the staff and
//! locations registers (see [`bedside::staff`] and [`bedside::locations`]).
//!
//! Contract, both: all or nothing, **replacing** the register (rows absent from the file
//! are deactivated, never deleted). Every line is checked before anything is written.
//! Prints one JSON line and exits 0:
//! `{"staff":N,"created":N,"updated":N,"unchanged":N,"deactivated":N}` (or `"locations":N`
//! first). On a faulty file prints `{"errors":[{"line":N,"error":"…"}]}` on stdout, one
//! line `FILE line N: <rule>` per fault on stderr (messages name the rule, never the
//! data), writes nothing and exits 1; a database failure prints
//! `{"errors":[{"error":"…"}]}` and exits 1; 2 on a usage error (unreadable file, bad
//! configuration). Audited once per import (`staff.imported`, `locations.imported`, actor
//! `cli:import`) with the counts.
//!
//! Columns, staff: `badge_gsrn,display_name,role,professional_id,active`; locations:
//! `gln,extension,site,ward,bed,active` (service/README.md says each column's rule).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::super::serve::ConfigArgs;

/// `bedside import staff|locations`.
#[derive(Debug, Subcommand)]
pub(crate) enum RegisterCommand {
    /// Replace the staff register (badge_gsrn,display_name,role,professional_id,active).
    Staff {
        /// The CSV file.
        file: PathBuf,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Replace the locations register (gln,extension,site,ward,bed,active).
    Locations {
        /// The CSV file.
        file: PathBuf,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

fn faults(file: &Path, errors: &[bedside::import::LineError]) -> ExitCode {
    println!("{}", serde_json::json!({ "errors": errors }));
    for e in errors {
        eprintln!("{} line {}: {}", file.display(), e.line, e.error);
    }
    ExitCode::FAILURE
}

fn database_error(e: &dyn std::fmt::Display) -> ExitCode {
    println!(
        "{}",
        serde_json::json!({ "errors": [{ "error": e.to_string() }] })
    );
    eprintln!("bedside import: {e}");
    ExitCode::FAILURE
}

/// Runs the subcommand.
pub(crate) fn run(cmd: &RegisterCommand) -> ExitCode {
    let (RegisterCommand::Staff { file, config } | RegisterCommand::Locations { file, config }) =
        cmd;
    let cfg = match config.load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bedside import: {e}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("bedside import: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let rt = match super::super::runtime("import") {
        Ok(r) => r,
        Err(c) => return c,
    };
    let url = cfg.effective_database_url();
    let now = bedside::clock::now_ms();
    let summary = match cmd {
        RegisterCommand::Staff { .. } => {
            let rows = match bedside::staff::parse_csv(&text) {
                Ok(r) => r,
                Err(errors) => return faults(file, &errors),
            };
            rt.block_on(async {
                let db = bedside::db::Db::connect_migrated(&url, 2).await?;
                let r = bedside::staff::import(&db, &rows, "cli:import", now).await;
                db.close().await;
                Ok::<_, bedside::db::DbError>(serde_json::json!(r?))
            })
        }
        RegisterCommand::Locations { .. } => {
            let rows = match bedside::locations::parse_csv(&text) {
                Ok(r) => r,
                Err(errors) => return faults(file, &errors),
            };
            rt.block_on(async {
                let db = bedside::db::Db::connect_migrated(&url, 2).await?;
                let r = bedside::locations::import(&db, &rows, "cli:import", now).await;
                db.close().await;
                Ok::<_, bedside::db::DbError>(serde_json::json!(r?))
            })
        }
    };
    match summary {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => database_error(&e),
    }
}
