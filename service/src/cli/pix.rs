//! `bedside pix …`: ask the regional PIX Manager (IHE ITI-9 over MLLP, or ITI-83 PIXm over
//! HTTP(S)) which NHS number belongs to a local identifier.
//!
//! Scripted contract (keep exactly): `bedside pix query --id ID --domain DOMAIN --exchange
//! mllp://host:port|https://… [--json]`; with `--json` one object
//! `{"outcome": "...", "nhs_number": "..."|null, "detail": "..."}`; exit 0 only for
//! `found`, 1 for every other outcome (including `unavailable`), 2 for usage errors.
use bedside_pix::client::{PixClient, PixError};
use bedside_pix::domain::{Domain, PixQuery};
use bedside_pix::net::{MllpClient, MllpConfig, PixmClient, PixmConfig};
use bedside_pix::outcome::{OutcomeKind, PixOutcome};
use clap::{Args, Subcommand};
use std::process::ExitCode;
use std::time::Duration;

/// Environment variable holding the PIXm bearer token (kept off the command line).
const TOKEN_ENV: &str = "BEDSIDE_PIX_TOKEN";

/// PIX subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum PixCommand {
    /// Ask the PIX manager for the NHS number of a local identifier.
    Query(QueryArgs),
}

/// Arguments of `bedside pix query`.
#[derive(Debug, Args)]
pub(crate) struct QueryArgs {
    /// The local identifier, e.g. the MRN K1234567.
    #[arg(long)]
    id: String,
    /// Its assigning authority: an OID (2.999.826.0.1.1), a URI (urn:oid:…, https://…)
    /// or an HL7 v2 HD (TRUST_MRN&2.999.826.0.1.1&ISO).
    #[arg(long)]
    domain: String,
    /// The PIX manager: mllp://host:port (ITI-9) or http(s)://host/base (ITI-83 PIXm).
    /// The PIXm bearer token is read from the BEDSIDE_PIX_TOKEN environment variable.
    #[arg(long)]
    exchange: String,
    /// Print one JSON object {"outcome","nhs_number","detail"}.
    #[arg(long)]
    json: bool,
    /// Domain(s) to ask for (default: the NHS number).
    #[arg(long = "target-domain")]
    target_domains: Vec<String>,
    /// Response timeout per attempt, in milliseconds.
    #[arg(long, default_value_t = 4000)]
    timeout_ms: u64,
}

/// Runs a `bedside pix` subcommand.
pub(crate) fn run(cmd: PixCommand) -> ExitCode {
    match cmd {
        PixCommand::Query(args) => query(&args),
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("bedside pix query: {msg}");
    ExitCode::from(2)
}

fn query(args: &QueryArgs) -> ExitCode {
    if args.id.trim().is_empty() {
        return usage("--id must not be empty");
    }
    let source = match Domain::parse(&args.domain) {
        Ok(d) => d,
        Err(e) => return usage(&format!("--domain {:?}: {e}", args.domain)),
    };
    let mut targets = Vec::new();
    for t in &args.target_domains {
        match Domain::parse(t) {
            Ok(d) => targets.push(d),
            Err(e) => return usage(&format!("--target-domain {t:?}: {e}")),
        }
    }
    let mut q = PixQuery::nhs_number_for(args.id.trim(), source);
    if !targets.is_empty() {
        q.target_domains = targets;
    }
    // A query the chosen transport cannot express is the caller's mistake, not an outcome.
    let pixm = args.exchange.starts_with("https://") || args.exchange.starts_with("http://");
    let expressible = if pixm {
        bedside_pix::pixm::check_query(&q)
    } else {
        bedside_pix::iti9::check_query(&q)
    };
    if let Err(e) = expressible {
        return usage(&format!("the query cannot be sent: {e}"));
    }
    let timeout = Duration::from_millis(args.timeout_ms.max(1));
    let client: Box<dyn PixClient> = if let Some(addr) = args.exchange.strip_prefix("mllp://") {
        let addr = addr.trim_end_matches('/');
        if addr.is_empty() || !addr.contains(':') {
            return usage("--exchange mllp://host:port needs a host and a port");
        }
        let mut cfg = MllpConfig::new(addr);
        cfg.response_timeout = timeout;
        Box::new(MllpClient::new(cfg))
    } else if pixm {
        let mut cfg = PixmConfig::new(&args.exchange);
        cfg.timeout = timeout;
        cfg.bearer_token = std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty());
        match PixmClient::new(cfg) {
            Ok(c) => Box::new(c),
            Err(e) => return usage(&format!("--exchange {:?}: {e}", args.exchange)),
        }
    } else {
        return usage("--exchange must start with mllp://, https:// or http://");
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            return report(
                args.json,
                &Err(format!("cannot start the async runtime: {e}")),
            );
        }
    };
    let result = runtime.block_on(client.query(&q));
    report(args.json, &result.map_err(|e: PixError| e.to_string()))
}

/// The NHS number in its "3 3 4" display form (`NhsNumber`'s), or as given when it is
/// not one.
fn spaced(nhs: &str) -> String {
    bedside_patient::NhsNumber::parse_compact(nhs, bedside_patient::TestData::Allow)
        .map_or_else(|_| nhs.to_owned(), |n| n.to_string())
}

fn report(json: bool, result: &Result<PixOutcome, String>) -> ExitCode {
    let (kind, nhs, detail) = match result {
        Ok(o) => (
            o.kind(),
            o.nhs_number().map(str::to_owned),
            o.detail().to_owned(),
        ),
        Err(e) => (OutcomeKind::Unavailable, None, e.clone()),
    };
    if json {
        let obj = serde_json::json!({
            "outcome": kind.as_str(),
            "nhs_number": nhs,
            "detail": detail,
        });
        println!("{obj}");
    } else {
        match &nhs {
            Some(n) => println!("{}: NHS number {}", kind.as_str(), spaced(n)),
            None => println!("{}: no NHS number confirmed", kind.as_str()),
        }
        if !detail.is_empty() {
            println!("detail: {detail}");
        }
    }
    if kind == OutcomeKind::Found {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
