//! The HTTP service: state, router, handlers, start-up and graceful shutdown.
//!
//! Every route is listed once in [`routes`]; the router is built from that list and a
//! contract test checks it against `openapi.json` both ways.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post, put};
use bedside_patient::{GsrnPrefix, Policy, TestData};
use bedside_pix::client::PixClient;
use bedside_pix::domain::Domain;
use bedside_pix::net::{MllpClient, MllpConfig, PixmClient, PixmConfig};
use tokio::net::TcpListener;

use crate::config::Config;
use crate::db::{Db, DbError};
use crate::identify::{Identifier, PixResolver};

pub mod account;
pub mod administrations;
pub mod audit_events;
pub mod auth;
pub mod auth_oidc;
pub mod decode;
pub mod dto;
pub mod extract;
pub mod fhir;
pub mod fhir_administrations;
pub mod fhir_allergies;
pub mod fhir_http;
pub mod fhir_orders;
pub mod medications;
pub mod metrics;
pub mod problem;
pub mod recalls;
pub mod registers;
pub mod tls;
pub mod ui;
pub mod wristbands;

use auth::{Caller, RateLimiter, Role};
use extract::StrictJson;
use metrics::Metrics;
use problem::Problem;

/// The OpenAPI document served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Shared state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Configuration.
    pub cfg: Arc<Config>,
    /// Database.
    pub db: Db,
    /// The identification resolver.
    pub identifier: Arc<Identifier>,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Per-token rate limit.
    pub limiter: Arc<RateLimiter>,
    /// Failed authentications per client IP (bounds token guessing).
    pub auth_failures: Arc<RateLimiter>,
    /// Recently read token rows.
    pub token_cache: Arc<auth::TokenCache>,
    /// On PostgreSQL: whether this instance is listening for other instances' cache
    /// invalidations (see [`crate::notify`]); `None` on SQLite (one instance).
    pub cache_sync: Option<tokio::sync::watch::Receiver<bool>>,
    /// PIX manager address for readiness (host:port), if configured (shared: the state
    /// is cloned for every request).
    pub pix_addr: Option<Arc<str>>,
    /// The OpenAPI document served ([`dto::served_document`]: this instance's printers).
    pub openapi: Arc<str>,
    /// Browser sessions' settings.
    pub sessions: crate::config::SessionSettings,
    /// Whether this instance serves HTTPS (session cookies are then `Secure`).
    pub tls: bool,
    /// Origins besides `scheme://Host` that a session's state-changing request may come
    /// from (the OpenID Connect redirect URI's origin, behind a proxy).
    pub public_origins: Arc<[String]>,
    /// The OpenID Connect relying party, when `"oidc"` is configured.
    pub oidc: Option<Arc<crate::oidc::Oidc>>,
    /// The bounded camera-frame decoder of `POST /v1/decode`.
    pub frames: Arc<crate::camera::FrameDecoder>,
}

impl AppState {
    /// Waits until this instance listens for other instances' cache invalidations (at
    /// once on SQLite, which serves one instance).
    pub async fn cache_sync_ready(&self) {
        if let Some(rx) = &self.cache_sync {
            let mut rx = rx.clone();
            let _ = rx.wait_for(|listening| *listening).await;
        }
    }

    /// Starts the ITI-8/ITI-10 feed listener on `addr`; returns the bound address.
    ///
    /// # Errors
    /// Bad `mrn_domain` or the address cannot be bound.
    pub async fn start_feed(&self, addr: &str) -> Result<SocketAddr, StartError> {
        let domain = Domain::parse(&self.cfg.mrn_domain)
            .map_err(|e| crate::config::ConfigError::Invalid(format!("mrn_domain: {e}")))?;
        let orders = bedside_orders::hl7::ReadOptions {
            nhs_test_numbers: if self.cfg.allow_test_nhs_numbers {
                bedside_patient::TestData::Allow
            } else {
                bedside_patient::TestData::Reject
            },
            ..bedside_orders::hl7::ReadOptions::default()
        };
        crate::feed::start(addr, self.identifier.clone(), domain, orders)
            .await
            .map_err(|source| StartError::Bind {
                addr: addr.to_owned(),
                source,
            })
    }
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Configuration.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// Database.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Demo seeding.
    #[error(transparent)]
    Seed(#[from] crate::demo::SeedError),
    /// Demo medicines catalogue.
    #[error(transparent)]
    SeedCatalogue(#[from] crate::demo::CatalogueSeedError),
    /// Listening socket.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address.
        addr: String,
        /// Cause.
        source: std::io::Error,
    },
    /// TLS certificate or key.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// Serving failed.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

fn pix_client(
    cfg: &crate::config::PixSettings,
) -> Result<(Arc<dyn PixClient>, String), crate::config::ConfigError> {
    let timeout = Duration::from_millis(cfg.timeout_ms.max(1));
    if let Some(addr) = cfg.exchange.strip_prefix("mllp://") {
        let addr = addr.trim_end_matches('/').to_owned();
        let mut c = MllpConfig::new(&addr);
        c.response_timeout = timeout;
        c.connect_timeout = timeout.min(Duration::from_secs(2));
        c.pool_size = cfg.pool_size.max(1);
        Ok((Arc::new(MllpClient::new(c)), addr))
    } else if cfg.exchange.starts_with("http://") || cfg.exchange.starts_with("https://") {
        let mut c = PixmConfig::new(&cfg.exchange);
        c.timeout = timeout;
        c.bearer_token = std::env::var("BEDSIDE_PIX_TOKEN")
            .ok()
            .filter(|t| !t.is_empty());
        let client = PixmClient::new(c)
            .map_err(|e| crate::config::ConfigError::Invalid(format!("pix.exchange: {e}")))?;
        let rest = cfg.exchange.split("://").nth(1).unwrap_or_default();
        let hostport = rest.split('/').next().unwrap_or_default();
        let addr = if hostport.contains(':') {
            hostport.to_owned()
        } else if cfg.exchange.starts_with("https") {
            format!("{hostport}:443")
        } else {
            format!("{hostport}:80")
        };
        Ok((Arc::new(client), addr))
    } else {
        Err(crate::config::ConfigError::Invalid(
            "pix.exchange must start with mllp://, http:// or https://".into(),
        ))
    }
}

impl AppState {
    /// Whether an OpenID Connect provider is configured (`"oidc"`).
    #[must_use]
    pub fn oidc_configured(&self) -> bool {
        self.oidc.is_some()
    }

    /// The provider's sign-out URL for a session that signed in through it, when the
    /// provider offers `end_session_endpoint`.
    #[must_use]
    pub fn provider_sign_out(
        &self,
        id_token: Option<&str>,
        _headers: &HeaderMap,
    ) -> Option<String> {
        let o = self.oidc.as_ref()?;
        let back = format!("{}/auth/signed-out", o.redirect_origin());
        o.end_session_url(id_token, &back).map(String::from)
    }

    /// The provider's origin, which the sign-out form's redirect goes to (the page's
    /// `form-action` must allow it).
    #[must_use]
    pub fn sign_out_form_action(&self) -> Option<String> {
        self.oidc.as_ref().map(|o| o.issuer_origin())
    }
}

/// Connects, migrates, seeds the demo data (once) and builds the state.
///
/// # Errors
/// Configuration, database or seeding failures.
pub async fn build_state(cfg: Config) -> Result<AppState, StartError> {
    cfg.validate()?;
    let mut db = Db::connect_migrated(&cfg.effective_database_url(), cfg.pool_size).await?;
    if cfg.demo && crate::demo::seed(&db).await? {
        tracing::info!("demo data seeded");
    }
    // Separately from the rest: it runs through the importer's own transaction, and a
    // database whose demo data predates the dm+d catalogue gets it on its next start.
    if cfg.demo && crate::demo::seed_catalogue(&db).await? {
        tracing::info!("demo medicines catalogue loaded");
    }
    if cfg.demo && crate::demo::seed_orders(&db).await? {
        tracing::info!("demo prescriptions applied");
    }
    db.set_epr(crate::outbox::Epr::from_config(&cfg).map(Arc::new));
    db.start_hot_paths();
    let mut prefixes = Vec::new();
    for p in &cfg.gsrn_prefixes {
        prefixes.push(GsrnPrefix::new(p).map_err(|e| {
            crate::config::ConfigError::Invalid(format!("gsrn_prefixes: {p:?}: {e}"))
        })?);
    }
    let policy = Policy::new(prefixes)
        .map_err(|e| crate::config::ConfigError::Invalid(e.to_string()))?
        .with_test_data(if cfg.allow_test_nhs_numbers {
            TestData::Allow
        } else {
            TestData::Reject
        });
    let (pix, pix_addr) = match &cfg.pix {
        Some(p) => {
            let (client, addr) = pix_client(p)?;
            let domain = Domain::parse(&cfg.mrn_domain)
                .map_err(|e| crate::config::ConfigError::Invalid(format!("mrn_domain: {e}")))?;
            let budget = Duration::from_millis(p.timeout_ms.max(1) * 2 + 500);
            (
                Some(PixResolver::new(
                    client,
                    domain,
                    Duration::from_secs(p.cache_ttl_seconds),
                    budget,
                )),
                Some(Arc::from(addr)),
            )
        }
        None => (None, None),
    };
    let identifier = Identifier {
        db: db.clone(),
        policy,
        gs_substitute: cfg.gs_substitute.clone(),
        mrn_from_ai91: cfg.band_mrn_from_ai91,
        pix,
    };
    let identifier = Arc::new(identifier);
    let token_cache = Arc::new(auth::TokenCache::default());
    let mut cache_sync = None;
    if db.backend == crate::db::Backend::Postgres {
        // Changes committed by other instances (and CLI imports) drop our caches too.
        let (ident, tokens) = (identifier.clone(), token_cache.clone());
        cache_sync = Some(crate::notify::spawn_listener(
            cfg.effective_database_url(),
            Arc::new(move |what| {
                if what != Some(crate::notify::Invalidation::Tokens)
                    && let Some(p) = &ident.pix
                {
                    p.invalidate();
                }
                if what != Some(crate::notify::Invalidation::Pix) {
                    tokens.clear();
                }
            }),
        ));
    }
    let printers: Vec<String> = cfg.printers.keys().cloned().collect();
    let oidc = match &cfg.oidc {
        Some(o) => {
            Some(Arc::new(crate::oidc::Oidc::new(o).map_err(|e| {
                crate::config::ConfigError::Invalid(e.to_string())
            })?))
        }
        None => None,
    };
    let public_origins: Vec<String> = oidc.iter().map(|o| o.redirect_origin()).collect();
    Ok(AppState {
        openapi: Arc::from(dto::served_document(&printers)),
        limiter: Arc::new(RateLimiter::new(cfg.rate_limit_per_minute)),
        auth_failures: Arc::new(RateLimiter::new(cfg.auth_failures_per_minute)),
        token_cache,
        cache_sync,
        sessions: cfg.sessions.clone(),
        tls: cfg.tls_cert.is_some(),
        public_origins: Arc::from(public_origins),
        oidc,
        cfg: Arc::new(cfg),
        db,
        identifier,
        metrics: Arc::new(Metrics::default()),
        pix_addr,
        frames: Arc::new(crate::camera::FrameDecoder::for_service()),
    })
}

/// Every API route: method, path template, handler. The router and the OpenAPI contract
/// test both read this list. The web UI's pages and assets are in [`ui::routes`].
#[must_use]
pub fn routes() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::GET, "/healthz", get(healthz)),
        (Method::GET, "/readyz", get(readyz)),
        (Method::GET, "/metrics", get(metrics_text)),
        (Method::GET, "/openapi.json", get(openapi)),
        (Method::POST, "/v1/identify", post(identify)),
        (Method::POST, "/v1/decode", post(decode::decode)),
        (
            Method::POST,
            "/v1/administrations/verify",
            post(administration_verify),
        ),
        (
            Method::POST,
            "/v1/administrations",
            post(administration_record),
        ),
        (
            Method::POST,
            "/v1/administrations/{id}/entered-in-error",
            post(administrations::entered_in_error),
        ),
        (Method::GET, "/v1/audit/verify", get(audit_verify)),
        (Method::GET, "/v1/me", get(account::me)),
        (Method::PUT, "/v1/me/badge", put(account::badge_link)),
        (Method::PUT, "/v1/me/pin", put(account::pin_set)),
        (
            Method::POST,
            "/v1/me/handover",
            post(account::handover_start),
        ),
        (
            Method::DELETE,
            "/v1/me/handover",
            delete(account::handover_end),
        ),
        (
            Method::PUT,
            "/v1/users/{user}/badge",
            put(account::user_badge_put),
        ),
        (
            Method::DELETE,
            "/v1/users/{user}/badge",
            delete(account::user_badge_delete),
        ),
        (Method::GET, "/auth/methods", get(account::methods)),
        (Method::POST, "/auth/demo", post(account::demo_sign_in)),
        (Method::GET, "/auth/logout", get(account::logout_page)),
        (Method::GET, "/auth/login", get(auth_oidc::login)),
        (Method::GET, "/auth/callback", get(auth_oidc::callback)),
        (Method::POST, "/auth/logout", post(account::logout)),
        (Method::GET, "/auth/signed-out", get(account::signed_out)),
        (
            Method::GET,
            "/v1/audit/events",
            get(audit_events::audit_events),
        ),
        (Method::GET, "/v1/audit/fhir", get(fhir::audit_fhir)),
        (Method::POST, "/v1/wristbands", post(wristbands::wristbands)),
        (Method::GET, "/v1/printers", get(wristbands::printers)),
        (
            Method::GET,
            "/v1/patients/{nhs_number}/medications",
            get(medications::medications),
        ),
        (
            Method::PUT,
            "/fhir/MedicationRequest/{id}",
            put(fhir_orders::put),
        ),
        (
            Method::GET,
            "/fhir/MedicationRequest/{id}",
            get(fhir_orders::read),
        ),
        (
            Method::GET,
            "/fhir/MedicationRequest",
            get(fhir_orders::search),
        ),
        (
            Method::PUT,
            "/fhir/AllergyIntolerance/{id}",
            put(fhir_allergies::put),
        ),
        (
            Method::GET,
            "/fhir/AllergyIntolerance/{id}",
            get(fhir_allergies::read),
        ),
        (Method::GET, "/v1/staff", get(registers::staff_list)),
        (Method::PUT, "/v1/staff/{gsrn}", put(registers::staff_put)),
        (Method::GET, "/v1/staff/{gsrn}", get(registers::staff_get)),
        (
            Method::DELETE,
            "/v1/staff/{gsrn}",
            delete(registers::staff_delete),
        ),
        (Method::GET, "/v1/locations", get(registers::locations_list)),
        (
            Method::PUT,
            "/v1/locations/{gln}",
            put(registers::locations_put),
        ),
        (
            Method::GET,
            "/v1/locations/{gln}",
            get(registers::locations_get),
        ),
        (
            Method::DELETE,
            "/v1/locations/{gln}",
            delete(registers::locations_delete),
        ),
        (
            Method::PUT,
            "/v1/locations/{gln}/{extension}",
            put(registers::locations_put),
        ),
        (
            Method::GET,
            "/v1/locations/{gln}/{extension}",
            get(registers::locations_get),
        ),
        (
            Method::DELETE,
            "/v1/locations/{gln}/{extension}",
            delete(registers::locations_delete),
        ),
        (Method::POST, "/v1/recalls", post(recalls::create)),
        (Method::GET, "/v1/recalls", get(recalls::list)),
        (Method::GET, "/v1/recalls/{id}", get(recalls::read)),
        (
            Method::POST,
            "/v1/recalls/{id}/withdraw",
            post(recalls::withdraw),
        ),
        (
            Method::GET,
            "/fhir/MedicationAdministration/{id}",
            get(fhir_administrations::read),
        ),
        (
            Method::GET,
            "/fhir/MedicationAdministration",
            get(fhir_administrations::search),
        ),
    ]
}

/// The router over `state`: the API ([`routes`]) and the web UI ([`ui::routes`]).
pub fn router(state: AppState) -> Router {
    let mut r: Router<AppState> = Router::new();
    for (_, path, handler) in routes().into_iter().chain(ui::routes()) {
        r = r.route(path, handler);
    }
    r.fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), observe))
        .layer(axum::middleware::from_fn(ui::security_headers))
        .with_state(state)
}

async fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "Not found",
        "no such endpoint",
    )
}

async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Method not allowed",
        "this endpoint does not accept that method",
    )
}

/// Logs one line per request (method, route template, status, latency — no bodies, no
/// query strings) and counts responses.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let mut resp = next.run(req).await;
    let status = resp.status().as_u16();
    state.metrics.inc2(
        "bedside_http_responses_total",
        ("route", &route),
        ("code", &status.to_string()),
    );
    tracing::info!(
        method = %method,
        route = %route,
        status,
        micros = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    // API answers are never cached; the UI's files say how they may be.
    resp.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    resp
}

async fn healthz() -> axum::Json<dto::Health> {
    axum::Json(dto::Health {
        status: dto::Alive::Ok,
    })
}

async fn readyz(State(state): State<AppState>) -> Result<axum::Json<dto::Ready>, Problem> {
    if state.db.ping().await.is_err() {
        return Err(Problem::unavailable(
            "database_unavailable",
            "the database does not answer",
        ));
    }
    let mut pix = dto::PixReadiness::NotConfigured;
    if let Some(addr) = &state.pix_addr {
        let ok = matches!(
            tokio::time::timeout(
                Duration::from_secs(1),
                tokio::net::TcpStream::connect(&**addr)
            )
            .await,
            Ok(Ok(_))
        );
        if !ok {
            return Err(Problem::unavailable(
                "pix_unreachable",
                "the PIX manager is not reachable",
            )
            .with(|x| x.database = Some(dto::DatabaseState::Ok)));
        }
        pix = dto::PixReadiness::Reachable;
    }
    Ok(axum::Json(dto::Ready {
        status: dto::Readiness::Ready,
        database: state.db.backend.into(),
        pix,
    }))
}

async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

async fn openapi(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi.to_string(),
    )
}

pub use dto::{IdentifyRequest, MAX_SCAN};

async fn identify(
    State(state): State<AppState>,
    caller: Caller,
    StrictJson(body): StrictJson<IdentifyRequest>,
) -> Result<axum::Json<dto::IdentifyResponse>, Problem> {
    caller.require(&[Role::Nurse, Role::Pharmacist, Role::Admissions])?;
    if body.scan.is_empty() || body.scan.chars().count() > MAX_SCAN {
        return Err(Problem::invalid(format!(
            "scan must be 1 to {MAX_SCAN} characters"
        )));
    }
    let open = match &body.open_patient_nhs_number {
        None => None,
        Some(s) => Some(
            crate::identify::parse_open_record(s, state.identifier.policy.test_data())
                .map_err(|e| Problem::invalid(format!("open_patient_nhs_number: {e}")))?,
        ),
    };
    let result = state.identifier.identify(&body.scan, open.as_ref()).await;
    let status = result.decision.status();
    let seq = crate::audit::append(&state.db, &caller.actor(), "identify", &result.facts)
        .await
        .map_err(|_| {
            Problem::unavailable(
                "audit_unavailable",
                "the decision could not be audited, so it is not given; use the downtime procedure",
            )
        })?;
    state
        .metrics
        .inc("bedside_identify_total", "status", status.as_str());
    for r in result.decision.reasons() {
        state
            .metrics
            .inc("bedside_identify_reasons_total", "reason", r.code.as_str());
    }
    tracing::info!(
        status = status.as_str(),
        decision_id = seq,
        "identify decision"
    );
    Ok(axum::Json(dto::IdentifyResponse::new(
        &result.decision,
        seq,
    )))
}

fn open_record(
    state: &AppState,
    s: Option<&String>,
) -> Result<Option<bedside_patient::NhsNumber>, Problem> {
    s.map(|s| {
        crate::identify::parse_open_record(s, state.identifier.policy.test_data())
            .map_err(|e| Problem::invalid(format!("open_patient_nhs_number: {e}")))
    })
    .transpose()
}

async fn evaluate_administration(
    state: &AppState,
    caller: &Caller,
    body: &crate::medicines::AdministrationRequest,
    checker_pin: Option<&str>,
) -> Result<crate::medicines::Evaluation, Problem> {
    let open = open_record(state, body.open_patient_nhs_number.as_ref())?;
    let checker = checker_confirmation(state, caller, body, checker_pin).await?;
    let acting = crate::medicines::Acting {
        badge: caller.badge.as_deref(),
        checker,
    };
    match crate::medicines::evaluate(
        &state.identifier,
        body,
        open.as_ref(),
        &acting,
        crate::clock::now_ms(),
    )
    .await
    {
        Ok(Ok(ev)) => Ok(ev),
        Ok(Err(e)) => Err(Problem::invalid(e.to_string())),
        Err(_) => Err(Problem::unavailable(
            "database_unavailable",
            "the checks cannot be completed; do not give without the downtime procedure",
        )),
    }
}

/// In a signed-in person's session, a second checker named by badge confirms with their
/// PIN ([`crate::users::check_badge_pin`], audited and counted towards the lock); API
/// tokens are not asked. A checker badge that is the caller's own is left to the check
/// (`checker_same_as_giver`), without counting a PIN against it.
async fn checker_confirmation(
    state: &AppState,
    caller: &Caller,
    body: &crate::medicines::AdministrationRequest,
    pin: Option<&str>,
) -> Result<bedside_ward::medicines::CheckerConfirmation, Problem> {
    use crate::users::PinCheck;
    use bedside_ward::medicines::CheckerConfirmation as C;
    if caller.session().is_none() {
        return Ok(C::NotAsked);
    }
    let gs = state.identifier.gs_substitute.as_deref();
    let Some(gsrn) = body
        .checker_scan
        .as_deref()
        .and_then(|s| bedside_ward::medicines::read_badge(s, gs))
    else {
        return Ok(C::NotAsked);
    };
    if caller.badge.as_deref() == Some(gsrn.as_str()) {
        return Ok(C::NotAsked);
    }
    let Some(pin) = pin else {
        return Ok(C::PinMissing);
    };
    let check = crate::users::check_badge_pin(
        &state.db,
        &gsrn,
        pin,
        "checker",
        &caller.actor(),
        crate::clock::now_ms(),
    )
    .await
    .map_err(|_| audit_failed())?;
    Ok(match check {
        // Their own PIN on someone else's badge is not a second person.
        PinCheck::Right(u) if caller.person().is_some_and(|(me, _)| me == u.user_id) => {
            C::CannotConfirm
        }
        PinCheck::Right(_) => C::Confirmed,
        PinCheck::Wrong {
            locked_until: None, ..
        } => C::PinWrong,
        PinCheck::Wrong { .. } | PinCheck::Locked(_) => C::Locked,
        PinCheck::NoPin | PinCheck::UnknownBadge => C::CannotConfirm,
    })
}

fn count_check(state: &AppState, ev: &crate::medicines::Evaluation) {
    state.metrics.inc(
        "bedside_administration_checks_total",
        "outcome",
        ev.outcome.as_str(),
    );
    for p in &ev.problems {
        state.metrics.inc(
            "bedside_administration_check_reasons_total",
            "code",
            p.code.as_str(),
        );
    }
}

fn audit_failed() -> Problem {
    Problem::unavailable(
        "audit_unavailable",
        "the check could not be audited, so it is not given; use the downtime procedure",
    )
}

async fn administration_verify(
    State(state): State<AppState>,
    caller: Caller,
    StrictJson(body): StrictJson<dto::AdministrationRequest>,
) -> Result<axum::Json<dto::AdministrationCheck>, Problem> {
    caller.require(&[Role::Nurse, Role::Pharmacist])?;
    body.check().map_err(Problem::invalid)?;
    let checker_pin = body.checker_pin.clone();
    let body = crate::medicines::AdministrationRequest::from(body);
    if body.override_reason.is_some() {
        return Err(Problem::invalid(
            "override_reason is only accepted when recording (POST /v1/administrations)",
        ));
    }
    let ev = evaluate_administration(&state, &caller, &body, checker_pin.as_deref()).await?;
    let seq = crate::audit::append(
        &state.db,
        &caller.actor(),
        "administration.verify",
        &ev.internal.facts,
    )
    .await
    .map_err(|_| audit_failed())?;
    count_check(&state, &ev);
    Ok(axum::Json(dto::AdministrationCheck::checked(&ev, seq)))
}

async fn administration_record(
    State(state): State<AppState>,
    caller: Caller,
    StrictJson(body): StrictJson<dto::AdministrationRequest>,
) -> Result<Response, Problem> {
    use crate::medicines::{OVERRIDE_REASONS, RecordRefusal, RefusalCode};
    caller.require(&[Role::Nurse])?;
    if let Some(r) = &body.override_reason
        && !OVERRIDE_REASONS.contains(&r.as_str())
    {
        return Err(Problem::invalid(format!(
            "override_reason must be one of: {}",
            OVERRIDE_REASONS.join(", ")
        )));
    }
    body.check().map_err(Problem::invalid)?;
    let checker_pin = body.checker_pin.clone();
    let body = crate::medicines::AdministrationRequest::from(body);
    let ev = evaluate_administration(&state, &caller, &body, checker_pin.as_deref()).await?;
    count_check(&state, &ev);
    let now = crate::clock::now_ms();
    let result = crate::medicines::record(
        &state.identifier,
        ev,
        body.override_reason.as_deref(),
        &caller.actor(),
        now,
    )
    .await
    .map_err(|_| audit_failed())?;
    match result {
        Ok((ev, rec)) => {
            // A hand-over is for one task: the dose is recorded, the session's own person
            // acts again.
            if let Some(s) = caller.session()
                && s.handover.is_some()
            {
                crate::sessions::end_handover(&state.db, &s.id_hash, &s.user, "task_done")
                    .await
                    .map_err(|_| audit_failed())?;
            }
            state.metrics.inc(
                "bedside_administrations_recorded_total",
                "outcome",
                if rec.replayed { "replayed" } else { "recorded" },
            );
            let out = dto::AdministrationCheck::recorded(&ev, &rec);
            let code = if rec.replayed {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            Ok((code, axum::Json(out)).into_response())
        }
        Err(refusal) => {
            let (ev, code, detail) = match refusal {
                RecordRefusal::Refused(ev, RefusalCode::OverrideRequired) => (
                    ev,
                    "override_required",
                    "warnings need an override reason code to record this dose",
                ),
                RecordRefusal::Refused(ev, RefusalCode::OverrideReasonNotApplicable) => (
                    ev,
                    "override_reason_not_applicable",
                    "this override reason does not answer every warning: choose one from override_reasons",
                ),
                RecordRefusal::Refused(ev, RefusalCode::AdministrationRefused) => (
                    ev,
                    "administration_refused",
                    "the checks stopped this administration: do not give",
                ),
                RecordRefusal::Duplicate(ev) => (
                    ev,
                    "duplicate_administration",
                    "this dose has already been recorded: do not give it again",
                ),
                RecordRefusal::RecordedMeanwhile(ev) => (
                    ev,
                    "recorded_meanwhile",
                    "another dose of this medicine was recorded for this patient while this one was being checked: do not give; scan again",
                ),
            };
            state
                .metrics
                .inc("bedside_administrations_recorded_total", "outcome", code);
            let mut facts = ev.internal.facts.clone();
            facts.refused = Some(code.to_owned());
            crate::audit::append(&state.db, &caller.actor(), "administration.refused", &facts)
                .await
                .map_err(|_| audit_failed())?;
            Err(Problem::new(
                StatusCode::CONFLICT,
                code,
                "Administration not recorded",
                detail,
            )
            .with(|x| {
                x.outcome = Some(ev.outcome.as_str());
                x.problems = Some(ev.problems.iter().map(dto::ProblemItem::from).collect());
            }))
        }
    }
}

async fn audit_verify(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<dto::AuditReport>, Problem> {
    caller.require(&[Role::Admin])?;
    crate::audit::verify(&state.db)
        .await
        .map(|r| axum::Json(dto::AuditReport::from(&r)))
        .map_err(|_| Problem::unavailable("database_unavailable", "the audit trail cannot be read"))
}

/// Resolves when SIGINT or SIGTERM arrives.
///
/// The handlers are registered when this function is called, not when the
/// future is first polled: call it before announcing the listener, so that a
/// SIGTERM arriving right after start-up is a graceful stop, not a kill.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (int, term) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(int) => {},
                () = wait(term) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Serves on a bound listener until `shutdown` resolves, then finishes in-flight requests.
///
/// # Errors
/// Accept-loop I/O errors.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(StartError::Serve)
}

/// Starts the service: state, listener, serve until SIGINT/SIGTERM.
///
/// # Errors
/// Start-up failures.
pub async fn run(cfg: Config) -> Result<(), StartError> {
    let listen = cfg.listen.clone();
    let tls = match (&cfg.tls_cert, &cfg.tls_key) {
        (Some(c), Some(k)) => Some(tls::load(c, k)?),
        (None, None) => None,
        _ => {
            return Err(crate::config::ConfigError::Invalid(
                "give both tls_cert and tls_key, or neither".into(),
            )
            .into());
        }
    };
    let state = build_state(cfg).await?;
    let listener = TcpListener::bind(&listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: listen.clone(),
            source,
        })?;
    let addr: SocketAddr = listener.local_addr().map_err(StartError::Serve)?;
    // Signal handlers first: once "listening" is printed, SIGTERM must stop gracefully.
    let shutdown = shutdown_signal();
    tracing::info!(%addr, database = state.db.backend.as_str(), "listening");
    println!(
        "bedside listening on {}://{addr}",
        if tls.is_some() { "https" } else { "http" }
    );
    if let Some(feed) = state.cfg.feed_listen.clone() {
        let at = state.start_feed(&feed).await?;
        tracing::info!(%at, "ITI-8/ITI-10 feed listener");
        println!("bedside feed listening on mllp://{at}");
    }
    let sender = state.db.epr().map(|epr| {
        tracing::info!("outbox sender to the EPR started");
        crate::outbox::spawn_sender(
            state.db.clone(),
            Arc::new(epr.clone()),
            state.metrics.clone(),
        )
    });
    let served = match tls {
        Some(t) => tls::serve_tls_on(listener, state, t, shutdown).await,
        None => serve_on(listener, state, shutdown).await,
    };
    // A message being sent stays pending and is sent again (same MSH-10) by the next start.
    if let Some(s) = sender {
        s.abort();
    }
    served?;
    tracing::info!("stopped");
    Ok(())
}
