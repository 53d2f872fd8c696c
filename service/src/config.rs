//! Service configuration: defaults, then a JSON file (`--config`), then environment
//! variables and command-line flags (handled by the CLI, which overrides fields here).
//!
//! With no configuration at all the service runs the try-it set-up: SQLite in
//! `./bedside-data/`, demo data, 127.0.0.1:8080, test-range NHS numbers accepted.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// PIX manager settings.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PixSettings {
    /// `mllp://host:port` (ITI-9) or `http(s)://host/base` (ITI-83 PIXm).
    pub exchange: String,
    /// Response timeout per attempt, milliseconds.
    #[serde(default = "default_pix_timeout_ms")]
    pub timeout_ms: u64,
    /// How long a PIX answer is reused, seconds (0 = never cached).
    #[serde(default = "default_pix_cache_ttl")]
    pub cache_ttl_seconds: u64,
    /// MLLP connections to the manager, each carrying one query at a time (ITI-9 only).
    #[serde(default = "default_pix_pool_size")]
    pub pool_size: usize,
}

fn default_pix_timeout_ms() -> u64 {
    2000
}
fn default_pix_cache_ttl() -> u64 {
    60
}
fn default_pix_pool_size() -> usize {
    4
}

/// How administrations are sent to the EPR (with `epr_mllp`): the MSH header fields and
/// the sender's timing. Every key is optional.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct EprSettings {
    /// MSH-3 sending application (default `BEDSIDE`).
    pub sending_application: String,
    /// MSH-4 sending facility (default `BEDSIDE`).
    pub sending_facility: String,
    /// MSH-5 receiving application (default `EPR`).
    pub receiving_application: String,
    /// MSH-6 receiving facility (default `EPR`).
    pub receiving_facility: String,
    /// How long to wait for the EPR's acknowledgement (and to connect), milliseconds
    /// (default 10000).
    pub ack_timeout_ms: u64,
    /// First retry delay, milliseconds (default 1000); doubled per attempt.
    pub retry_min_ms: u64,
    /// Longest retry delay, milliseconds (default 300000 = 5 minutes).
    pub retry_max_ms: u64,
    /// How often an idle sender looks for messages, milliseconds (default 500).
    pub poll_ms: u64,
}

impl Default for EprSettings {
    fn default() -> Self {
        EprSettings {
            sending_application: "BEDSIDE".into(),
            sending_facility: "BEDSIDE".into(),
            receiving_application: "EPR".into(),
            receiving_facility: "EPR".into(),
            ack_timeout_ms: 10_000,
            retry_min_ms: 1_000,
            retry_max_ms: 300_000,
            poll_ms: 500,
        }
    }
}

/// Browser sessions ([`crate::sessions`]): every key is optional.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    /// A session's absolute lifetime, hours (default 12: a shift; 1 to 24).
    pub absolute_hours: u32,
    /// Sign-out after this many minutes without a request (default 10; 1 to 60).
    pub idle_minutes: u32,
    /// A hand-over ends after this many seconds without a request (default 120; 10 to 600).
    pub handover_idle_seconds: u32,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            absolute_hours: 12,
            idle_minutes: 10,
            handover_idle_seconds: 120,
        }
    }
}

impl SessionSettings {
    /// Checks the ranges.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=24).contains(&self.absolute_hours) {
            return Err(ConfigError::Invalid(
                "sessions.absolute_hours must be 1 to 24".into(),
            ));
        }
        if !(1..=60).contains(&self.idle_minutes) {
            return Err(ConfigError::Invalid(
                "sessions.idle_minutes must be 1 to 60".into(),
            ));
        }
        if !(10..=600).contains(&self.handover_idle_seconds) {
            return Err(ConfigError::Invalid(
                "sessions.handover_idle_seconds must be 10 to 600".into(),
            ));
        }
        Ok(())
    }
}

/// The OpenID Connect relying party ([`crate::oidc`]): the `"oidc"` object.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OidcSettings {
    /// The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`);
    /// https except on a loopback host.
    pub issuer: String,
    /// This service's client id at the provider.
    pub client_id: String,
    /// The client secret (`client_secret_basic`); exactly one of this and
    /// `private_key_jwt`.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// `private_key_jwt` client authentication (CIS2's choice); exactly one of this and
    /// `client_secret`.
    #[serde(default)]
    pub private_key_jwt: Option<PrivateKeyJwt>,
    /// Where the provider sends the browser back: `https://<host>/auth/callback` (http only
    /// on a loopback host).
    pub redirect_uri: String,
    /// Scopes asked for (default `["openid","profile"]`; `openid` is always sent; CIS2 also
    /// needs `nationalrbacaccess`).
    #[serde(default = "default_oidc_scopes")]
    pub scopes: Vec<String>,
    /// Authentication context classes asked for (e.g. `["AAL3_ANY"]`); the ID token's `acr`
    /// must then be one of them.
    #[serde(default)]
    pub acr_values: Option<Vec<String>>,
    /// Where the person's roles are in the claims: a dotted path with `[*]` for arrays
    /// (default `roles`; CIS2 `nhsid_nrbac_roles[*].role_code`, or `selected_roleid` with
    /// the `selectedrole` scope).
    #[serde(default = "default_role_claim")]
    pub role_claim: String,
    /// Claim value → Bedside role (`nurse`, `pharmacist`, `admissions`, `integrator`,
    /// `admin`).
    #[serde(default)]
    pub role_map: std::collections::BTreeMap<String, String>,
    /// The claim naming the person (default `sub`; CIS2 `nhsid_useruid`).
    #[serde(default = "default_user_claim")]
    pub user_claim: String,
}

/// The key this service signs its `private_key_jwt` client assertions with.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PrivateKeyJwt {
    /// PEM file of the RSA private key (PKCS#1 or PKCS#8) whose public half is registered
    /// with the provider.
    pub key_file: PathBuf,
    /// The key id (`kid`) registered with the provider.
    pub kid: String,
    /// Signing algorithm: `RS256` (default), `RS384` or `RS512`.
    #[serde(default = "default_pkjwt_alg")]
    pub alg: String,
}

fn default_oidc_scopes() -> Vec<String> {
    vec!["openid".into(), "profile".into()]
}
fn default_role_claim() -> String {
    "roles".into()
}
fn default_user_claim() -> String {
    "sub".into()
}
fn default_pkjwt_alg() -> String {
    "RS256".into()
}

/// Whether `url` is `https://`, or `http://` to a loopback host (a provider or a
/// development service on this machine).
fn secure_or_loopback(url: &url::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => match url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(a)) => a.is_loopback(),
            Some(url::Host::Ipv6(a)) => a.is_loopback(),
            None => false,
        },
        _ => false,
    }
}

/// The environment variables that set `"oidc"` keys: scalar keys as text, the rest as
/// JSON. They override the file's keys (and create `"oidc"` when the file has none).
pub const OIDC_ENV: [(&str, &str, bool); 12] = [
    ("BEDSIDE_OIDC_ISSUER", "issuer", false),
    ("BEDSIDE_OIDC_CLIENT_ID", "client_id", false),
    ("BEDSIDE_OIDC_CLIENT_SECRET", "client_secret", false),
    ("BEDSIDE_OIDC_REDIRECT_URI", "redirect_uri", false),
    ("BEDSIDE_OIDC_ROLE_CLAIM", "role_claim", false),
    ("BEDSIDE_OIDC_USER_CLAIM", "user_claim", false),
    ("BEDSIDE_OIDC_SCOPES", "scopes", true),
    ("BEDSIDE_OIDC_ACR_VALUES", "acr_values", true),
    ("BEDSIDE_OIDC_ROLE_MAP", "role_map", true),
    (
        "BEDSIDE_OIDC_PRIVATE_KEY_FILE",
        "private_key_jwt.key_file",
        false,
    ),
    ("BEDSIDE_OIDC_PRIVATE_KEY_KID", "private_key_jwt.kid", false),
    ("BEDSIDE_OIDC_PRIVATE_KEY_ALG", "private_key_jwt.alg", false),
];

impl Config {
    /// Applies the `BEDSIDE_OIDC_*` variables ([`OIDC_ENV`]) read through `var` (the
    /// process environment in `bedside serve`).
    ///
    /// ```
    /// use bedside::config::Config;
    /// let mut cfg = Config::default();
    /// let env = |k: &str| match k {
    ///     "BEDSIDE_OIDC_ISSUER" => Some("https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare".to_owned()),
    ///     "BEDSIDE_OIDC_CLIENT_ID" => Some("bedside".to_owned()),
    ///     "BEDSIDE_OIDC_CLIENT_SECRET" => Some("s3cret".to_owned()),
    ///     "BEDSIDE_OIDC_REDIRECT_URI" => Some("https://bedside.trust.nhs.uk/auth/callback".to_owned()),
    ///     "BEDSIDE_OIDC_ROLE_MAP" => Some(r#"{"R8000":"nurse"}"#.to_owned()),
    ///     _ => None,
    /// };
    /// cfg.apply_oidc_env(env).unwrap();
    /// let o = cfg.oidc.as_ref().unwrap();
    /// assert_eq!(o.scopes, ["openid", "profile"]);
    /// assert!(cfg.validate().is_ok());
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the variable (bad JSON) or the missing key.
    pub fn apply_oidc_env(
        &mut self,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<(), ConfigError> {
        let mut obj = match &self.oidc {
            Some(o) => {
                serde_json::to_value(o).map_err(|e| ConfigError::Invalid(format!("oidc: {e}")))?
            }
            None => serde_json::Value::Object(serde_json::Map::new()),
        };
        let mut changed = false;
        for (name, key, json) in OIDC_ENV {
            let Some(text) = var(name).filter(|v| !v.is_empty()) else {
                continue;
            };
            let value = if json {
                serde_json::from_str(&text)
                    .map_err(|e| ConfigError::Invalid(format!("{name}: not JSON ({e})")))?
            } else {
                serde_json::Value::String(text)
            };
            let target = match key.split_once('.') {
                Some((outer, inner)) => {
                    let o = &mut obj[outer];
                    if !o.is_object() {
                        *o = serde_json::Value::Object(serde_json::Map::new());
                    }
                    &mut o[inner]
                }
                None => &mut obj[key],
            };
            *target = value;
            changed = true;
        }
        if changed {
            if let Some(m) = obj.as_object_mut() {
                m.retain(|_, v| !v.is_null());
            }
            self.oidc = Some(serde_json::from_value(obj).map_err(|e| {
                ConfigError::Invalid(format!("oidc (with BEDSIDE_OIDC_* variables): {e}"))
            })?);
        }
        Ok(())
    }
}

impl OidcSettings {
    /// Checks the settings: URLs, the callback path, the role claim path, the role map,
    /// and one client authentication.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the key and the rule.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        let issuer = match url::Url::parse(&self.issuer) {
            Ok(u) => u,
            Err(e) => return bad(format!("oidc.issuer: {:?} is not a URL: {e}", self.issuer)),
        };
        if !secure_or_loopback(&issuer) {
            return bad("oidc.issuer must be https:// (http:// only on a loopback host)".into());
        }
        let redirect = match url::Url::parse(&self.redirect_uri) {
            Ok(u) => u,
            Err(e) => {
                return bad(format!(
                    "oidc.redirect_uri: {:?} is not a URL: {e}",
                    self.redirect_uri
                ));
            }
        };
        if !secure_or_loopback(&redirect) {
            return bad(
                "oidc.redirect_uri must be https:// (http:// only on a loopback host)".into(),
            );
        }
        if redirect.path() != "/auth/callback" || redirect.query().is_some() {
            return bad("oidc.redirect_uri's path must be /auth/callback, with no query".into());
        }
        if self.client_id.trim().is_empty() {
            return bad("oidc.client_id must not be empty".into());
        }
        match (&self.client_secret, &self.private_key_jwt) {
            (Some(s), None) if !s.is_empty() => {}
            (None, Some(k)) => {
                if !matches!(k.alg.as_str(), "RS256" | "RS384" | "RS512") {
                    return bad("oidc.private_key_jwt.alg must be RS256, RS384 or RS512".into());
                }
                if k.kid.is_empty() {
                    return bad("oidc.private_key_jwt.kid must not be empty".into());
                }
            }
            _ => {
                return bad(
                    "oidc: exactly one of client_secret and private_key_jwt is needed".into(),
                );
            }
        }
        if let Err(e) = crate::oidc::ClaimPath::parse(&self.role_claim) {
            return bad(format!("oidc.role_claim: {e}"));
        }
        if let Err(e) = crate::oidc::ClaimPath::parse(&self.user_claim) {
            return bad(format!("oidc.user_claim: {e}"));
        }
        for (k, v) in &self.role_map {
            if bedside_ward::access::Role::parse(v).is_none() {
                return bad(format!(
                    "oidc.role_map: {k:?} maps to {v:?}, which is not one of nurse, \
                     pharmacist, admissions, integrator, admin"
                ));
            }
        }
        if self.role_map.is_empty() {
            return bad("oidc.role_map must map at least one claim value to a role".into());
        }
        if self.acr_values.as_ref().is_some_and(Vec::is_empty) {
            return bad("oidc.acr_values must not be empty when given".into());
        }
        Ok(())
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Listen address.
    pub listen: String,
    /// Directory for the SQLite database when no `database_url` is given.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default `sqlite://<data_dir>/bedside.db`.
    pub database_url: Option<String>,
    /// Seed the demo data set (once) at start.
    pub demo: bool,
    /// Keyboard-wedge substitute for GS (e.g. `"~"`).
    pub gs_substitute: Option<String>,
    /// Accept 999-range (test) NHS numbers. On for the demo; off in production.
    pub allow_test_nhs_numbers: bool,
    /// GS1 company prefixes under which wristband GSRNs embed the NHS number.
    pub gsrn_prefixes: Vec<String>,
    /// Interim local convention until the DCB1077 layout is verified: the whole (91)
    /// value on a band is the trust hospital number (MRN). A misread can only refuse a
    /// match (every source must agree with the band's NHS number), never create one.
    pub band_mrn_from_ai91: bool,
    /// Assigning authority of trust hospital numbers (OID, URI or HL7 v2 HD).
    pub mrn_domain: String,
    /// The regional PIX manager, if any.
    pub pix: Option<PixSettings>,
    /// PEM certificate chain for HTTPS (with `tls_key`).
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS (with `tls_cert`).
    pub tls_key: Option<PathBuf>,
    /// Where to listen for ITI-8 / ITI-10 feeds (MLLP), if anywhere.
    pub feed_listen: Option<String>,
    /// Largest accepted request body, bytes.
    pub body_limit_bytes: usize,
    /// Requests per token per minute (per instance).
    pub rate_limit_per_minute: u32,
    /// Failed authentications per client IP per minute (per instance); past it, every
    /// request from that address that needs a token gets 429 until the minute is over.
    pub auth_failures_per_minute: u32,
    /// Database pool size.
    pub pool_size: u32,
    /// Wristband printers by name (`"ward7": "tcp://10.2.7.40:9100"`), for
    /// `POST /v1/wristbands` with `"printer"`. Addresses use the `--printer` syntax.
    pub printers: std::collections::BTreeMap<String, String>,
    /// The EPR's MLLP address (`host:port`): every recorded administration (and every
    /// later entered-in-error marking) is queued in the outbox and sent as HL7 v2.5
    /// `RAS^O17`. Without it nothing is queued.
    pub epr_mllp: Option<String>,
    /// Header fields and timing of the messages to the EPR.
    pub epr: EprSettings,
    /// Browser sessions: lifetime, idle sign-out, hand-over.
    pub sessions: SessionSettings,
    /// The OpenID Connect provider people sign in through (NHS CIS2 or the trust's), if any.
    pub oidc: Option<OidcSettings>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("bedside-data"),
            database_url: None,
            demo: true,
            gs_substitute: None,
            allow_test_nhs_numbers: true,
            gsrn_prefixes: vec!["9520000".into()],
            band_mrn_from_ai91: true,
            mrn_domain: "2.999.826.0.1.1".into(),
            pix: None,
            feed_listen: None,
            tls_cert: None,
            tls_key: None,
            body_limit_bytes: 16 * 1024,
            rate_limit_per_minute: 600,
            auth_failures_per_minute: 30,
            pool_size: 8,
            printers: std::collections::BTreeMap::new(),
            epr_mllp: None,
            epr: EprSettings::default(),
            sessions: SessionSettings::default(),
            oidc: None,
        }
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid configuration JSON.
    #[error("config file {path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The JSON error (line and column).
        source: serde_json::Error,
    },
    /// A value is out of range.
    #[error("config: {0}")]
    Invalid(String),
}

impl Config {
    /// Reads a JSON configuration file (unknown keys are errors).
    ///
    /// # Errors
    /// Unreadable file, bad JSON, unknown keys.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source,
        })
    }

    /// The effective database URL.
    #[must_use]
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("bedside.db").display()
            ),
        }
    }

    /// Checks that the settings can work: ranges, names, and a hospital-number domain
    /// (`mrn_domain`) the configured PIX exchange can name.
    ///
    /// ```
    /// use bedside::config::{Config, PixSettings};
    /// let mut cfg = Config::default();
    /// cfg.pix = Some(PixSettings { exchange: "https://hie.example/fhir".into(), timeout_ms: 2000, cache_ttl_seconds: 60, pool_size: 4 });
    /// assert!(cfg.validate().is_ok()); // mrn_domain is an OID by default
    /// cfg.mrn_domain = "TRUST_MRN&&".into(); // an HL7 v2 namespace only
    /// assert!(cfg.validate().is_err());
    /// cfg.pix.as_mut().unwrap().exchange = "mllp://hie.example:2575".into();
    /// assert!(cfg.validate().is_ok());
    /// ```
    ///
    /// # Errors
    /// A value that cannot work.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.body_limit_bytes < 256 || self.body_limit_bytes > 1 << 20 {
            return Err(ConfigError::Invalid(
                "body_limit_bytes must be 256..=1048576".into(),
            ));
        }
        if self.rate_limit_per_minute == 0 {
            return Err(ConfigError::Invalid(
                "rate_limit_per_minute must be > 0".into(),
            ));
        }
        if self.auth_failures_per_minute == 0 {
            return Err(ConfigError::Invalid(
                "auth_failures_per_minute must be > 0".into(),
            ));
        }
        if self.gsrn_prefixes.is_empty() {
            return Err(ConfigError::Invalid(
                "gsrn_prefixes must not be empty".into(),
            ));
        }
        if self
            .pix
            .as_ref()
            .is_some_and(|p| p.pool_size == 0 || p.pool_size > 64)
        {
            return Err(ConfigError::Invalid("pix.pool_size must be 1..=64".into()));
        }
        if self.pool_size == 0 {
            return Err(ConfigError::Invalid("pool_size must be > 0".into()));
        }
        self.sessions.validate()?;
        if let Some(o) = &self.oidc {
            o.validate()?;
        }
        if let Some(p) = &self.pix {
            let domain = bedside_pix::domain::Domain::parse(&self.mrn_domain)
                .map_err(|e| ConfigError::Invalid(format!("mrn_domain: {e}")))?;
            let pixm = p.exchange.starts_with("http://") || p.exchange.starts_with("https://");
            if pixm && domain.fhir_system().is_empty() {
                return Err(ConfigError::Invalid(
                    "mrn_domain: a PIXm exchange names the hospital-number domain by a URI or \
                     an OID; an HL7 v2 namespace alone is enough only over mllp://"
                        .into(),
                ));
            }
        }
        if let Some(a) = &self.epr_mllp {
            let port = a.rsplit_once(':').map(|(h, p)| (h, p.parse::<u16>()));
            if !matches!(port, Some((h, Ok(p))) if !h.is_empty() && p > 0) {
                return Err(ConfigError::Invalid(format!(
                    "epr_mllp: {a:?} is not host:port"
                )));
            }
        }
        let e = &self.epr;
        for (name, v) in [
            ("sending_application", &e.sending_application),
            ("sending_facility", &e.sending_facility),
            ("receiving_application", &e.receiving_application),
            ("receiving_facility", &e.receiving_facility),
        ] {
            if v.is_empty() || v.len() > 180 || v.chars().any(char::is_control) {
                return Err(ConfigError::Invalid(format!(
                    "epr.{name} must be 1-180 characters, no control characters"
                )));
            }
        }
        if e.ack_timeout_ms == 0
            || e.retry_min_ms == 0
            || e.retry_max_ms < e.retry_min_ms
            || e.poll_ms == 0
        {
            return Err(ConfigError::Invalid(
                "epr: ack_timeout_ms, retry_min_ms and poll_ms must be > 0 and retry_max_ms >= retry_min_ms"
                    .into(),
            ));
        }
        for (name, address) in &self.printers {
            if name.is_empty()
                || name.len() > 40
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(ConfigError::Invalid(format!(
                    "printers: name {name:?} must be 1-40 letters, digits, '-' or '_'"
                )));
            }
            address
                .parse::<bedside_printer::transport::PrinterAddress>()
                .map_err(|e| ConfigError::Invalid(format!("printers.{name}: {e}")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epr_settings_are_checked() {
        let mut cfg = Config {
            epr_mllp: Some("epr.trust.example:2576".into()),
            ..Config::default()
        };
        assert!(cfg.validate().is_ok());
        for bad in [
            "epr.trust.example",
            ":2576",
            "epr:0",
            "epr:port",
            "epr:70000",
        ] {
            cfg.epr_mllp = Some(bad.into());
            assert!(cfg.validate().is_err(), "{bad}");
        }
        cfg.epr_mllp = Some("127.0.0.1:2576".into());
        cfg.epr.retry_max_ms = 10;
        assert!(cfg.validate().is_err());
        cfg.epr = EprSettings {
            sending_facility: "RXX\r01".into(),
            ..EprSettings::default()
        };
        assert!(cfg.validate().is_err());
        let parsed: Config = serde_json::from_str(
            r#"{"epr_mllp": "h:1", "epr": {"receiving_application": "LORENZO", "ack_timeout_ms": 5000}}"#,
        )
        .unwrap();
        assert_eq!(parsed.epr.receiving_application, "LORENZO");
        assert_eq!(parsed.epr.sending_application, "BEDSIDE");
        assert_eq!(parsed.epr.ack_timeout_ms, 5000);
        assert!(serde_json::from_str::<Config>(r#"{"epr": {"port": 1}}"#).is_err());
    }
}
