//! ITI-83 PIXm over HTTP(S): hyper 1 + rustls (ring provider).

use crate::breaker::CircuitBreaker;
use crate::client::{AttemptError, HttpFailure, PixClient, PixError, QueryFuture, Transport};
use crate::domain::PixQuery;
use crate::outcome::PixOutcome;
use crate::pixm;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::Request;
use hyper::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why a PIXm configuration is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PixmConfigError {
    /// The base URL is not an absolute `http://` or `https://` URL.
    #[error("base URL must be an absolute http:// or https:// URL")]
    BadBaseUrl,
    /// The bearer token holds characters not allowed in an HTTP header.
    #[error("bearer token contains characters not allowed in a header")]
    BadToken,
    /// The TLS configuration could not be built.
    #[error("TLS configuration failed")]
    Tls,
}

/// PIXm client settings.
///
/// ```
/// let c = bedside_pix::net::PixmConfig::new("https://pix.hie.example.nhs.uk/fhir");
/// assert_eq!(c.timeout, std::time::Duration::from_secs(5));
/// ```
#[derive(Clone)]
pub struct PixmConfig {
    /// FHIR server base, e.g. `https://pix.hie.example.nhs.uk/fhir`.
    pub base_url: String,
    /// OAuth bearer token (IUA, scope `ITI-83`), sent as `Authorization: Bearer …`.
    pub bearer_token: Option<String>,
    /// Time allowed for one request including the body. Default 5 s.
    pub timeout: Duration,
    /// Response body cap. Default 1 MiB.
    pub max_body: usize,
    /// Consecutive failed queries that open the circuit. Default 3.
    pub breaker_threshold: u32,
    /// How long the circuit stays open. Default 30 s.
    pub breaker_open_for: Duration,
    /// rustls client configuration; default: Mozilla roots (webpki-roots), ring provider.
    pub tls: Option<Arc<rustls::ClientConfig>>,
}

impl core::fmt::Debug for PixmConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PixmConfig")
            .field("base_url", &self.base_url)
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl PixmConfig {
    /// Defaults for a server at `base_url`.
    ///
    /// ```
    /// assert!(bedside_pix::net::PixmConfig::new("http://127.0.0.1:8080").bearer_token.is_none());
    /// ```
    #[must_use]
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.to_owned(),
            bearer_token: None,
            timeout: Duration::from_secs(5),
            max_body: 1024 * 1024,
            breaker_threshold: 3,
            breaker_open_for: Duration::from_secs(30),
            tls: None,
        }
    }
}

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// The ITI-83 PIXm Consumer.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use bedside_pix::{client::PixClient, domain::{Domain, PixQuery}, net::{PixmClient, PixmConfig}};
/// let mut cfg = PixmConfig::new("https://pix.hie.example.nhs.uk/fhir");
/// cfg.bearer_token = Some("token".into());
/// let c = PixmClient::new(cfg)?;
/// let o = c.query(&PixQuery::nhs_number_for("K1", Domain::parse("urn:oid:2.999.1")?)).await?;
/// println!("{}", o.kind());
/// # Ok(()) }
/// ```
pub struct PixmClient {
    cfg: PixmConfig,
    origin: String,
    base_path: String,
    auth: Option<HeaderValue>,
    http: HttpsClient,
    breaker: Mutex<CircuitBreaker>,
}

impl core::fmt::Debug for PixmClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PixmClient")
            .field("origin", &self.origin)
            .field("base_path", &self.base_path)
            .finish_non_exhaustive()
    }
}

fn split_base(url: &str) -> Result<(String, String), PixmConfigError> {
    let uri: hyper::Uri = url.parse().map_err(|_| PixmConfigError::BadBaseUrl)?;
    let scheme = uri.scheme_str().ok_or(PixmConfigError::BadBaseUrl)?;
    if scheme != "http" && scheme != "https" {
        return Err(PixmConfigError::BadBaseUrl);
    }
    let authority = uri.authority().ok_or(PixmConfigError::BadBaseUrl)?;
    if uri.query().is_some() {
        return Err(PixmConfigError::BadBaseUrl);
    }
    Ok((format!("{scheme}://{authority}"), uri.path().to_owned()))
}

impl PixmClient {
    /// Builds the client (no connection yet).
    ///
    /// ```
    /// use bedside_pix::net::{PixmClient, PixmConfig};
    /// assert!(PixmClient::new(PixmConfig::new("ftp://x")).is_err());
    /// assert!(PixmClient::new(PixmConfig::new("http://127.0.0.1:1/fhir")).is_ok());
    /// ```
    pub fn new(cfg: PixmConfig) -> Result<Self, PixmConfigError> {
        let (origin, base_path) = split_base(&cfg.base_url)?;
        let auth = match &cfg.bearer_token {
            Some(t) => Some(
                HeaderValue::from_str(&format!("Bearer {t}"))
                    .map_err(|_| PixmConfigError::BadToken)?,
            ),
            None => None,
        };
        let tls = match &cfg.tls {
            Some(t) => (**t).clone(),
            None => {
                let roots = rustls::RootCertStore {
                    roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
                };
                rustls::ClientConfig::builder_with_provider(Arc::new(
                    rustls::crypto::ring::default_provider(),
                ))
                .with_safe_default_protocol_versions()
                .map_err(|_| PixmConfigError::Tls)?
                .with_root_certificates(roots)
                .with_no_client_auth()
            }
        };
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .build();
        let http = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(4)
            .build(connector);
        let breaker = CircuitBreaker::new(cfg.breaker_threshold, cfg.breaker_open_for);
        Ok(Self {
            cfg,
            origin,
            base_path,
            auth,
            http,
            breaker: Mutex::new(breaker),
        })
    }

    async fn attempt(&self, query: &PixQuery) -> Result<PixOutcome, AttemptError> {
        let uri = format!(
            "{}{}",
            self.origin,
            pixm::request_target(&self.base_path, query)
        );
        let mut req = Request::get(uri).header(ACCEPT, "application/fhir+json");
        if let Some(a) = &self.auth {
            req = req.header(AUTHORIZATION, a.clone());
        }
        let req = req
            .body(Empty::<Bytes>::new())
            .map_err(|_| AttemptError::Http(HttpFailure::BuildRequest))?;
        let exchange = async {
            let resp = self
                .http
                .request(req)
                .await
                .map_err(|_| AttemptError::Http(HttpFailure::Request))?;
            let status = resp.status().as_u16();
            let body = Limited::new(resp.into_body(), self.cfg.max_body)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        AttemptError::TooLarge {
                            limit: self.cfg.max_body,
                        }
                    } else {
                        AttemptError::Http(HttpFailure::Body)
                    }
                })?
                .to_bytes();
            Ok::<_, AttemptError>((status, body))
        };
        let (status, body) = tokio::time::timeout(self.cfg.timeout, exchange)
            .await
            .map_err(|_| AttemptError::ResponseTimeout)??;
        Ok(pixm::interpret_response(status, &body, query)?)
    }

    async fn run(&self, query: &PixQuery) -> Result<PixOutcome, PixError> {
        // Refuse queries PIXm cannot express before touching the breaker.
        pixm::check_query(query)?;
        if let Ok(mut b) = self.breaker.lock() {
            b.allow(Instant::now()).map_err(|r| PixError::CircuitOpen {
                retry_after_ms: r.retry_after.as_millis() as u64,
            })?;
        }
        let first = match self.attempt(query).await {
            Ok(o) => return Ok(self.record_ok(o)),
            Err(e) => e,
        };
        let retry = match self.attempt(query).await {
            Ok(o) => return Ok(self.record_ok(o)),
            Err(e) => e,
        };
        if let Ok(mut b) = self.breaker.lock() {
            b.record_failure(Instant::now());
        }
        Err(PixError::CannotConfirm {
            transport: Transport::Pixm,
            first,
            retry: Some(retry),
        })
    }

    fn record_ok(&self, o: PixOutcome) -> PixOutcome {
        if let Ok(mut b) = self.breaker.lock() {
            b.record_success();
        }
        o
    }
}

impl PixClient for PixmClient {
    fn query<'a>(&'a self, query: &'a PixQuery) -> QueryFuture<'a> {
        Box::pin(self.run(query))
    }
}
