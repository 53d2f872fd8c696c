//! `bedside serve` and `bedside migrate`.
//!
//! Contract: `bedside serve [--listen ADDR] [--data-dir DIR] [--database-url URL] [--config
//! FILE] [--epr-mllp HOST:PORT] …`; with no configuration: SQLite in `./bedside-data/`, demo data seeded once,
//! 127.0.0.1:8080. Prints `bedside listening on http://ADDR` on stdout once listening.
//! `bedside migrate` applies the migrations and exits. Exit status 0 on a clean stop, 1 on
//! a start-up failure, 2 on a usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use bedside::config::{Config, PixSettings};
use clap::Args;

/// Where the service's configuration comes from (shared by `serve` and `migrate`).
#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    /// JSON configuration file (unknown keys are errors).
    #[arg(long, env = "BEDSIDE_CONFIG")]
    config: Option<PathBuf>,
    /// Directory of the embedded SQLite database (default ./bedside-data).
    #[arg(long, env = "BEDSIDE_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// sqlite://… or postgres://… (overrides --data-dir).
    #[arg(long, env = "BEDSIDE_DATABASE_URL")]
    database_url: Option<String>,
}

/// Arguments of `bedside serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Listen address (default 127.0.0.1:8080).
    #[arg(long, env = "BEDSIDE_LISTEN")]
    listen: Option<String>,
    /// Do not seed the demo data.
    #[arg(long)]
    no_demo: bool,
    /// PIX manager: mllp://host:port or http(s)://base (PIXm).
    #[arg(long, env = "BEDSIDE_PIX_EXCHANGE")]
    pix_exchange: Option<String>,
    /// PIX response timeout per attempt, milliseconds.
    #[arg(long)]
    pix_timeout_ms: Option<u64>,
    /// PIX answer cache TTL, seconds.
    #[arg(long)]
    pix_cache_ttl: Option<u64>,
    /// PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(long, env = "BEDSIDE_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, env = "BEDSIDE_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Listen for ITI-8 / ITI-10 feeds (MLLP) on this address.
    #[arg(long, env = "BEDSIDE_FEED_LISTEN")]
    feed_listen: Option<String>,
    /// Keyboard-wedge substitute for GS (e.g. "~").
    #[arg(long, env = "BEDSIDE_GS_SUBSTITUTE")]
    gs_substitute: Option<String>,
    /// Requests per token per minute.
    #[arg(long)]
    rate_limit: Option<u32>,
    /// Send every recorded administration to the EPR as HL7 v2.5 RAS^O17 over MLLP.
    #[arg(long, env = "BEDSIDE_EPR_MLLP", value_name = "HOST:PORT")]
    epr_mllp: Option<String>,
}

impl ConfigArgs {
    pub(crate) fn load(&self) -> Result<Config, String> {
        let mut cfg = match &self.config {
            Some(p) => Config::from_file(p).map_err(|e| e.to_string())?,
            None => Config::default(),
        };
        if let Some(d) = &self.data_dir {
            cfg.data_dir = d.clone();
        }
        if let Some(u) = &self.database_url {
            cfg.database_url = Some(u.clone());
        }
        cfg.apply_oidc_env(|k| std::env::var(k).ok())
            .map_err(|e| e.to_string())?;
        Ok(cfg)
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BEDSIDE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("bedside: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        })
}

/// Runs `bedside serve`.
pub(crate) fn serve(args: &ServeArgs) -> ExitCode {
    init_logging();
    let mut cfg = match args.config.load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bedside serve: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(l) = &args.listen {
        cfg.listen = l.clone();
    }
    if args.no_demo {
        cfg.demo = false;
    }
    if let Some(x) = &args.pix_exchange {
        let mut p = cfg.pix.clone().unwrap_or(PixSettings {
            exchange: String::new(),
            timeout_ms: 2000,
            cache_ttl_seconds: 60,
            pool_size: 4,
        });
        p.exchange = x.clone();
        cfg.pix = Some(p);
    }
    if let Some(p) = cfg.pix.as_mut() {
        if let Some(t) = args.pix_timeout_ms {
            p.timeout_ms = t;
        }
        if let Some(t) = args.pix_cache_ttl {
            p.cache_ttl_seconds = t;
        }
    }
    if let (Some(c), Some(k)) = (&args.tls_cert, &args.tls_key) {
        cfg.tls_cert = Some(c.clone());
        cfg.tls_key = Some(k.clone());
    }
    if let Some(f) = &args.feed_listen {
        cfg.feed_listen = Some(f.clone());
    }
    if let Some(g) = &args.gs_substitute {
        cfg.gs_substitute = Some(g.clone());
    }
    if let Some(r) = args.rate_limit {
        cfg.rate_limit_per_minute = r;
    }
    if let Some(e) = &args.epr_mllp {
        cfg.epr_mllp = Some(e.clone());
    }
    let rt = match runtime() {
        Ok(r) => r,
        Err(c) => return c,
    };
    match rt.block_on(bedside::server::run(cfg)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bedside serve: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `bedside migrate`.
pub(crate) fn migrate(args: &ConfigArgs) -> ExitCode {
    init_logging();
    let cfg = match args.load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bedside migrate: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = match runtime() {
        Ok(r) => r,
        Err(c) => return c,
    };
    let result = rt.block_on(async {
        let db = bedside::db::Db::connect_migrated(&cfg.effective_database_url(), 2).await?;
        Ok::<_, bedside::db::DbError>(db.backend)
    });
    match result {
        Ok(b) => {
            println!("migrations applied ({})", b.as_str());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bedside migrate: {e}");
            ExitCode::FAILURE
        }
    }
}
