//! `bedside outbox list|retry`: what the outbox holds for the EPR, and re-queueing a
//! message.
//!
//! Contract:
//! - `outbox list [--state pending|sent|held] [--json]` prints one line per message,
//!   oldest first: `ID STATE KIND administration=N control_id=MSH10 attempts=N
//!   [ack=CODE] [error=TEXT]`; with `--json`, `{"messages":[{"id","destination","kind",
//!   "administration_id","control_id","state","attempts","next_attempt_at",
//!   "last_ack_code","last_error","created_at","sent_at"}]}`. Never the payload (it
//!   carries patient data). Exit 0.
//! - `outbox retry ID` re-queues a pending or held message to be sent now (audited
//!   `outbox.requeued`, actor `cli:outbox`) and prints `{"requeued":ID,"control_id":…}`,
//!   exit 0; a message the receiver accepted (`sent`) is refused: exit 1 with
//!   `bedside outbox: outbox message ID was accepted by the receiver (AA) and is never
//!   sent again`; an unknown id: exit 1.
//!
//! Exit 1 on database errors, 2 on a usage error. Both take `--data-dir`,
//! `--database-url`, `--config` like `serve`.

use std::process::ExitCode;

use bedside::outbox::State;
use clap::{Args, Subcommand, ValueEnum};

use super::serve::ConfigArgs;

/// Outbox subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum OutboxCommand {
    /// List the outbox's messages, oldest first (never their content).
    List(ListArgs),
    /// Re-queue a pending or held message to be sent now.
    Retry(RetryArgs),
}

/// A message state.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum StateArg {
    /// Waiting to be sent (or retried).
    Pending,
    /// Accepted by the receiver (AA).
    Sent,
    /// Refused by the receiver (AE/AR); blocks the patient's later messages.
    Held,
}

/// `bedside outbox list`
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Only messages in this state.
    #[arg(long, value_enum)]
    state: Option<StateArg>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    config: ConfigArgs,
}

/// `bedside outbox retry`
#[derive(Debug, Args)]
pub(crate) struct RetryArgs {
    /// The outbox id (as `outbox list` shows it).
    id: i64,
    #[command(flatten)]
    config: ConfigArgs,
}

fn with_db<T>(
    config: &ConfigArgs,
    f: impl AsyncFnOnce(&bedside::db::Db) -> Result<T, String>,
) -> Result<T, (ExitCode, String)> {
    let cfg = config.load().map_err(|e| (ExitCode::from(2), e))?;
    let rt = super::runtime("outbox").map_err(|c| (c, "no async runtime".to_owned()))?;
    rt.block_on(async {
        let db = bedside::db::Db::connect_migrated(&cfg.effective_database_url(), 2)
            .await
            .map_err(|e| (ExitCode::FAILURE, e.to_string()))?;
        f(&db).await.map_err(|e| (ExitCode::FAILURE, e))
    })
}

/// Runs a `bedside outbox` subcommand.
pub(crate) fn run(cmd: &OutboxCommand) -> ExitCode {
    let result = match cmd {
        OutboxCommand::List(a) => {
            let state = a.state.map(|s| match s {
                StateArg::Pending => State::Pending,
                StateArg::Sent => State::Sent,
                StateArg::Held => State::Held,
            });
            with_db(&a.config, async |db| {
                bedside::outbox::list(db, state)
                    .await
                    .map_err(|e| e.to_string())
            })
            .map(|list| {
                if a.json {
                    println!("{}", serde_json::json!({ "messages": list }));
                } else {
                    for m in &list {
                        let mut line = format!(
                            "{} {} {} administration={} control_id={} attempts={}",
                            m.id, m.state, m.kind, m.administration_id, m.control_id, m.attempts
                        );
                        if let Some(c) = &m.last_ack_code {
                            line.push_str(&format!(" ack={c}"));
                        }
                        if let Some(e) = &m.last_error {
                            line.push_str(&format!(" error={e:?}"));
                        }
                        println!("{line}");
                    }
                }
                ExitCode::SUCCESS
            })
        }
        OutboxCommand::Retry(a) => with_db(&a.config, async |db| {
            match bedside::outbox::retry(db, a.id, "cli:outbox", bedside::clock::now_ms()).await {
                Ok(Ok(e)) => Ok(e),
                Ok(Err(e)) => Err(e.to_string()),
                Err(e) => Err(e.to_string()),
            }
        })
        .map(|e| {
            println!(
                "{}",
                serde_json::json!({"requeued": e.id, "control_id": e.control_id})
            );
            ExitCode::SUCCESS
        }),
    };
    match result {
        Ok(code) => code,
        Err((code, e)) => {
            eprintln!("bedside outbox: {e}");
            code
        }
    }
}
