//! `bedside audit verify` and `bedside audit export`.
//!
//! Contract, `verify`: prints `{"rows":N,"ok":true|false,"first_broken":null|{"seq":N,"reason":"…"}}`;
//! exit 0 when the chain holds, 1 when a link is broken or the database cannot be read,
//! 2 on a usage error.
//!
//! Contract, `export [--since INSTANT] [--out FILE]`: writes the audit trail as FHIR R4
//! `AuditEvent` resources, one JSON object per line (NDJSON), in sequence order, to FILE
//! or to stdout; with `--out` it then prints `{"exported":N}`. `INSTANT` is an RFC 3339
//! date-time or a date (start of that day in London). The export is itself audited
//! (`audit.exported`, actor `cli:audit-export`) before any row is written, and covers the
//! rows before that one. Exit 0 on success, 1 when the database cannot be read or the
//! output cannot be written, 2 on a usage error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::serve::ConfigArgs;

/// Audit subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Check every link of the hash chain; report the first broken one.
    Verify(ConfigArgs),
    /// Write the audit trail as FHIR AuditEvent resources (NDJSON).
    Export(ExportArgs),
}

/// Arguments of `bedside audit export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Only rows recorded at or after this RFC 3339 date-time or date.
    #[arg(long, value_name = "INSTANT")]
    since: Option<String>,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArgs,
}

/// Runs a `bedside audit` subcommand.
pub(crate) fn run(cmd: &AuditCommand) -> ExitCode {
    match cmd {
        AuditCommand::Verify(args) => verify(args),
        AuditCommand::Export(args) => export(args),
    }
}

fn verify(args: &ConfigArgs) -> ExitCode {
    let cfg = match args.load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bedside audit verify: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = match super::runtime("audit verify") {
        Ok(r) => r,
        Err(c) => return c,
    };
    let result = rt.block_on(async {
        let db = bedside::db::Db::connect_migrated(&cfg.effective_database_url(), 2).await?;
        Ok::<_, bedside::db::DbError>(bedside::audit::verify(&db).await?)
    });
    match result {
        Ok(report) => {
            println!("{}", serde_json::to_string(&report).unwrap_or_default());
            if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("bedside audit verify: {e}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum ExportError {
    #[error(transparent)]
    Db(#[from] bedside::db::DbError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
}

fn export(args: &ExportArgs) -> ExitCode {
    let cfg = match args.config.load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bedside audit export: {e}");
            return ExitCode::from(2);
        }
    };
    let since = match args.since.as_deref().map(bedside::clock::parse_instant) {
        None => None,
        Some(Ok(ms)) => Some(ms),
        Some(Err(e)) => {
            eprintln!("bedside audit export: --since: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = match super::runtime("audit export") {
        Ok(r) => r,
        Err(c) => return c,
    };
    let result = rt.block_on(async {
        let db = bedside::db::Db::connect_migrated(&cfg.effective_database_url(), 2).await?;
        let ctx =
            bedside::audit_fhir::Context::load(&db, &bedside::audit_fhir::instance_name()).await?;
        let marker = bedside::audit::append(
            &db,
            "cli:audit-export",
            "audit.exported",
            &serde_json::json!({
                "via": "cli", "format": "ndjson", "since": since,
                "out": args.out.as_ref().map(|p| p.display().to_string()),
            }),
        )
        .await?;
        let mut sink: Box<dyn Write> = match &args.out {
            Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p)?)),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        let mut after = 0i64;
        let mut n = 0usize;
        'pages: loop {
            let rows = bedside::audit_fhir::read_rows(&db, after, since, 1000).await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                if r.seq >= marker {
                    break 'pages;
                }
                serde_json::to_writer(&mut sink, &bedside::audit_fhir::audit_event(r, &ctx))
                    .map_err(std::io::Error::from)?;
                sink.write_all(b"\n")?;
                n += 1;
                after = r.seq;
            }
        }
        sink.flush()?;
        Ok::<_, ExportError>(n)
    });
    match result {
        Ok(n) => {
            if args.out.is_some() {
                println!("{}", serde_json::json!({ "exported": n }));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bedside audit export: {e}");
            ExitCode::FAILURE
        }
    }
}
