//! `bedside audit verify`: recompute the audit hash chain.
//!
//! Contract: prints `{"rows":N,"ok":true|false,"first_broken":null|{"seq":N,"reason":"…"}}`;
//! exit 0 when the chain holds, 1 when a link is broken or the database cannot be read,
//! 2 on a usage error.

use std::process::ExitCode;

use clap::Subcommand;

use super::serve::ConfigArgs;

/// Audit subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Check every link of the hash chain; report the first broken one.
    Verify(ConfigArgs),
}

/// Runs a `bedside audit` subcommand.
pub(crate) fn run(cmd: &AuditCommand) -> ExitCode {
    let AuditCommand::Verify(args) = cmd;
    let cfg = match args.load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bedside audit verify: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("bedside audit verify: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        let db = bedside::db::Db::connect(&cfg.effective_database_url(), 2).await?;
        db.migrate().await?;
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
