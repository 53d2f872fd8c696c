//! `bedside import dmd DIR`, `bedside import products FILE.csv`, `bedside import high-risk
//! FILE.csv`: the medicines catalogue.
//!
//! Contract, `dmd`: prints one JSON line
//! `{"release":"YYYY-MM-DD","vtm":N,"vmp":N,"amp":N,"vmpp":N,"ampp":N,"gtin":N,"ingredients":N}`
//! and exits 0 once the release is current; or prints
//! `{"errors":[{"file":"f_vmp2_3260821.xml","line":14,"element":"VMP/UDFS","error":"…"}]}`
//! (a malformed file) or `{"errors":[{"error":"…"}]}` (a missing file, a database failure)
//! and exits 1 with nothing changed; 2 on a usage error.
//!
//! Contract, `products` (`gtin,level,dmd_id,name,note`) and `high-risk` (`dmd_id,note`):
//! all or nothing, replacing the list. Prints `{"products": N}` / `{"medicines": N}` and
//! exits 0, or `{"errors": [{"line": N, "error": "…"}]}` and exits 1 with nothing written;
//! 2 on a usage error.
//!
//! Contract, `recalls` (`reference,class,action,product_kind,product_code,batches,notice,url`,
//! one row per product, rows of one reference merged, batches `|`-separated): all or
//! nothing, adding to the recalls already stored. Prints
//! `{"recalls": N, "products": P, "batches": B}` and exits 0, or prints
//! `{"errors": [{"line": N, "error": "…"}]}` (and `FILE line N: <rule>` on stderr, one
//! line per fault) and exits 1 with nothing written; 2 on a usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::super::serve::ConfigArgs;

/// `bedside import dmd|products|high-risk`.
#[derive(Debug, Subcommand)]
pub(crate) enum CatalogueCommand {
    /// Load an unpacked NHSBSA dm+d weekly release (a full snapshot) and make it current.
    Dmd {
        /// The directory holding the release's f_*.xml files (the GTIN file may be in a
        /// sub-directory).
        dir: PathBuf,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Replace the list of packs missing from dm+d (gtin,level,dmd_id,name,note).
    Products {
        /// The CSV file.
        file: PathBuf,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Replace the trust's high-risk medicines list (dmd_id,note): a second checker is
    /// needed for them, as for Schedule 2 and 3 controlled drugs.
    HighRisk {
        /// The CSV file.
        file: PathBuf,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Add a backlog of medicine recalls
    /// (reference,class,action,product_kind,product_code,batches,notice,url).
    Recalls {
        /// The CSV file.
        file: PathBuf,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

/// Runs the subcommand.
pub(crate) fn run(cmd: &CatalogueCommand) -> ExitCode {
    let config = match cmd {
        CatalogueCommand::Dmd { config, .. }
        | CatalogueCommand::Products { config, .. }
        | CatalogueCommand::HighRisk { config, .. }
        | CatalogueCommand::Recalls { config, .. } => config,
    };
    let cfg = match config.load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bedside import: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = match super::super::runtime("import") {
        Ok(r) => r,
        Err(c) => return c,
    };
    let url = cfg.effective_database_url();
    match cmd {
        CatalogueCommand::Dmd { dir, .. } => {
            if !dir.is_dir() {
                eprintln!("bedside import dmd: {} is not a directory", dir.display());
                return ExitCode::from(2);
            }
            let result = rt.block_on(async {
                let db = bedside::db::Db::connect_migrated(&url, 2)
                    .await
                    .map_err(|e| serde_json::json!({ "error": e.to_string() }))?;
                let r = bedside::catalogue_import::import_dmd(&db, dir, "cli:import")
                    .await
                    .map_err(|e| dmd_error(&e));
                db.close().await;
                r
            });
            match result {
                Ok(summary) => {
                    println!("{}", serde_json::json!(summary));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    println!("{}", serde_json::json!({ "errors": [e] }));
                    ExitCode::FAILURE
                }
            }
        }
        CatalogueCommand::Products { file, .. } => {
            let Some(text) = read(file) else {
                return ExitCode::from(2);
            };
            let rows = match bedside::catalogue::parse_products(&text) {
                Ok(r) => r,
                Err(errors) => {
                    println!("{}", serde_json::json!({ "errors": errors }));
                    return ExitCode::FAILURE;
                }
            };
            let result = rt.block_on(async {
                let db = bedside::db::Db::connect_migrated(&url, 2).await?;
                let r = bedside::catalogue::apply_products(&db, &rows, "cli:import").await;
                db.close().await;
                Ok::<_, bedside::db::DbError>(r)
            });
            local_result(result, "products")
        }
        CatalogueCommand::HighRisk { file, .. } => {
            let Some(text) = read(file) else {
                return ExitCode::from(2);
            };
            let rows = match bedside::catalogue::parse_high_risk(&text) {
                Ok(r) => r,
                Err(errors) => {
                    println!("{}", serde_json::json!({ "errors": errors }));
                    return ExitCode::FAILURE;
                }
            };
            let result = rt.block_on(async {
                let db = bedside::db::Db::connect_migrated(&url, 2).await?;
                let r = bedside::catalogue::apply_high_risk(&db, &rows, "cli:import").await;
                db.close().await;
                Ok::<_, bedside::db::DbError>(r)
            });
            local_result(result, "medicines")
        }
        CatalogueCommand::Recalls { file, .. } => {
            let Some(text) = read(file) else {
                return ExitCode::from(2);
            };
            let rows = match bedside::recalls::parse_csv(&text) {
                Ok(r) => r,
                Err(errors) => return line_errors(file, &errors),
            };
            let result = rt.block_on(async {
                let db = bedside::db::Db::connect_migrated(&url, 2).await?;
                let r =
                    bedside::recalls::import(&db, &rows, "cli:import", bedside::clock::now_ms())
                        .await;
                db.close().await;
                Ok::<_, bedside::db::DbError>(r)
            });
            match result {
                Ok(Ok(summary)) => {
                    println!("{}", serde_json::json!(summary));
                    ExitCode::SUCCESS
                }
                Ok(Err(bedside::recalls::ImportError::Lines(errors))) => line_errors(file, &errors),
                Ok(Err(e)) => {
                    println!(
                        "{}",
                        serde_json::json!({ "errors": [{ "error": e.to_string() }] })
                    );
                    ExitCode::FAILURE
                }
                Err(e) => {
                    println!(
                        "{}",
                        serde_json::json!({ "errors": [{ "error": e.to_string() }] })
                    );
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Faulty lines: the JSON errors line on stdout, `FILE line N: rule` on stderr; exit 1.
fn line_errors(file: &std::path::Path, errors: &[bedside::import::LineError]) -> ExitCode {
    println!("{}", serde_json::json!({ "errors": errors }));
    for e in errors {
        eprintln!("{} line {}: {}", file.display(), e.line, e.error);
    }
    ExitCode::FAILURE
}

fn read(file: &std::path::Path) -> Option<String> {
    match std::fs::read_to_string(file) {
        Ok(t) => Some(t),
        Err(e) => {
            eprintln!("bedside import: cannot read {}: {e}", file.display());
            None
        }
    }
}

fn dmd_error(e: &bedside::catalogue_import::DmdImportError) -> serde_json::Value {
    match e {
        bedside::catalogue_import::DmdImportError::File(f) => serde_json::json!({
            "file": f.file,
            "line": f.line,
            "element": f.element,
            "error": f.kind.to_string(),
        }),
        other => serde_json::json!({ "error": other.to_string() }),
    }
}

fn local_result(
    result: Result<Result<usize, bedside::catalogue::LocalImportError>, bedside::db::DbError>,
    key: &str,
) -> ExitCode {
    match result {
        Ok(Ok(n)) => {
            println!("{}", serde_json::json!({ key: n }));
            ExitCode::SUCCESS
        }
        Ok(Err(bedside::catalogue::LocalImportError::Unknown(errors))) => {
            println!("{}", serde_json::json!({ "errors": errors }));
            ExitCode::FAILURE
        }
        Ok(Err(e)) => {
            println!(
                "{}",
                serde_json::json!({ "errors": [{ "error": e.to_string() }] })
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            println!(
                "{}",
                serde_json::json!({ "errors": [{ "error": e.to_string() }] })
            );
            ExitCode::FAILURE
        }
    }
}
