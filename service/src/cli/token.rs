//! `bedside token create|list|revoke`: API tokens for a trust's devices, people and
//! integrations.
//!
//! Contract:
//! - `token create --role nurse|pharmacist|admissions|integrator|admin --name LABEL
//!   [--expires DAYS] [--badge GSRN]` prints `{"id","role","name","created_at",
//!   "expires_at","badge","token"}` (`badge` only with `--badge`) — the only time the
//!   secret is shown — and exits 0; with `--badge` the token is tied to that staff badge,
//!   which must be active in the staff register (exit 2 for a GSRN with a bad check digit,
//!   1 for a badge not active in the register);
//! - `token list` prints `{"tokens":[{"id","role","name","created_at","expires_at",
//!   "revoked_at","status","badge"}]}` (status `active`, `expired` or `revoked`; `badge`
//!   only for a token tied to one; never a secret or hash) and exits 0;
//! - `token revoke ID` prints `{"revoked":ID,"revoked_at":…,"already":bool}` and exits 0,
//!   or exits 1 when no token has that id.
//!
//! Creating and revoking are audited (`token.created`, `token.revoked`, actor `cli:token`).
//! Exit 1 on database errors, 2 on a usage error. All take `--data-dir`,
//! `--database-url`, `--config` like `serve`.

use std::process::ExitCode;

use bedside_ward::access::Role;
use clap::{Args, Subcommand, ValueEnum};

use super::serve::ConfigArgs;

/// Roles a token can have.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum RoleArg {
    /// Identify, check and record administrations.
    Nurse,
    /// Identify, check administrations.
    Pharmacist,
    /// Identify.
    Admissions,
    /// System integration (audit export).
    Integrator,
    /// Audit.
    Admin,
}

impl RoleArg {
    fn role(self) -> Role {
        match self {
            RoleArg::Nurse => Role::Nurse,
            RoleArg::Pharmacist => Role::Pharmacist,
            RoleArg::Admissions => Role::Admissions,
            RoleArg::Integrator => Role::Integrator,
            RoleArg::Admin => Role::Admin,
        }
    }
}

/// Token subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Create a token and print it (its secret is shown this once).
    Create(CreateArgs),
    /// List tokens (never their secrets).
    List(ConfigArgs),
    /// Revoke a token: it is refused from now on.
    Revoke(RevokeArgs),
}

/// `bedside token create`
#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// The token's role.
    #[arg(long, value_enum)]
    role: RoleArg,
    /// A label saying whose or which device's token this is (1-100 characters).
    #[arg(long)]
    name: String,
    /// Days until the token expires (1-3650; default: never).
    #[arg(long, value_name = "DAYS")]
    expires: Option<u32>,
    /// Tie the token to this staff badge (GSRN, active in the staff register): checks
    /// with it then accept only this badge as the giver's.
    #[arg(long, value_name = "GSRN")]
    badge: Option<String>,
    #[command(flatten)]
    config: ConfigArgs,
}

/// `bedside token revoke`
#[derive(Debug, Args)]
pub(crate) struct RevokeArgs {
    /// The token id (`bsd.<id>.…`, as `token list` shows it).
    id: String,
    #[command(flatten)]
    config: ConfigArgs,
}

fn with_db<T>(
    config: &ConfigArgs,
    f: impl AsyncFnOnce(&bedside::db::Db) -> Result<T, bedside::tokens::TokenError>,
) -> Result<T, (ExitCode, String)> {
    let cfg = config.load().map_err(|e| (ExitCode::from(2), e))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| (ExitCode::FAILURE, e.to_string()))?;
    rt.block_on(async {
        let db = bedside::db::Db::connect_migrated(&cfg.effective_database_url(), 2)
            .await
            .map_err(|e| (ExitCode::FAILURE, e.to_string()))?;
        f(&db).await.map_err(|e| {
            let code = match e {
                bedside::tokens::TokenError::Name
                | bedside::tokens::TokenError::Expires
                | bedside::tokens::TokenError::Badge(_) => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            };
            (code, e.to_string())
        })
    })
}

fn print(v: &impl serde::Serialize) -> ExitCode {
    match serde_json::to_string(v) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bedside token: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a `bedside token` subcommand.
pub(crate) fn run(cmd: &TokenCommand) -> ExitCode {
    let now = bedside::clock::now_ms();
    let result = match cmd {
        TokenCommand::Create(a) => with_db(&a.config, async |db| {
            bedside::tokens::create(
                db,
                a.role.role(),
                &a.name,
                a.expires,
                a.badge.as_deref(),
                "cli:token",
                now,
            )
            .await
        })
        .map(|t| {
            eprintln!("bedside token: the token is shown only this once; store it now.");
            print(&t)
        }),
        TokenCommand::List(c) => with_db(c, async |db| Ok(bedside::tokens::list(db, now).await?))
            .map(|t| print(&serde_json::json!({ "tokens": t }))),
        TokenCommand::Revoke(a) => with_db(&a.config, async |db| {
            bedside::tokens::revoke(db, &a.id, "cli:token", now).await
        })
        .map(|r| print(&r)),
    };
    match result {
        Ok(code) => code,
        Err((code, e)) => {
            eprintln!("bedside token: {e}");
            code
        }
    }
}
