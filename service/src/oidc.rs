//! The OpenID Connect relying party: people sign in through the trust's provider (NHS Care
//! Identity Service 2, or any OpenID provider) and get a server-side session
//! ([`crate::sessions`]).
//!
//! The protocol is the `openidconnect` crate's (4.x, reqwest with rustls): a maintained,
//! widely used implementation that verifies ID tokens step by step as OpenID Connect Core
//! §3.1.3.7 lists them (signature against the JWKS, `iss`, `aud`, `azp`, `exp`, `iat`,
//! `nonce`, `acr`), builds PKCE S256 challenges and speaks discovery, so no JOSE is written
//! here. What is ours is policy:
//!
//! - **Discovery** (`<issuer>/.well-known/openid-configuration`) happens lazily: at the first
//!   sign-in, retried at most every [`DISCOVERY_RETRY`] while the provider is down. Until it
//!   succeeds sign-in fails closed with a page that says so; API tokens keep working.
//! - **Login state** is kept in the database (`oidc_logins`, keyed by SHA-256 of `state`):
//!   the nonce, the PKCE verifier and the UI path to land on. A short-lived `bedside_oidc`
//!   cookie (`Path=/auth; HttpOnly; SameSite=Lax`, ten minutes) binds the login to the
//!   browser that started it. A state is used once (a replay is refused) and expires after
//!   [`LOGIN_TTL_MS`].
//! - **ID token checks**: the crate's, with our clock allowing [`SKEW_SECONDS`] of skew for
//!   `exp` and `iat` (and `iat` no older than [`LOGIN_TTL_MS`]), `acr` ∈ `acr_values` when
//!   asked for, and a JWKS fetched again once when an unknown `kid` appears (at most every
//!   [`JWKS_REFRESH_MIN`], so a flood of bad tokens cannot make us hammer the provider).
//! - **Claims**: the verified ID token's payload; when the role claim is absent there, the
//!   userinfo endpoint's claims are merged in (its `sub` must equal the ID token's).
//!   [`ClaimPath`] reads `role_claim`/`user_claim` (`roles`, `nhsid_nrbac_roles[*].role_code`);
//!   the values are mapped through `role_map` to exactly one Bedside role: none, or more than
//!   one, is refused (fail closed) with a page naming the claim and the values it held.
//! - Nothing from a token, code or claim goes to the ordinary log; refusals are audited
//!   (`auth.oidc_refused` with the reason code) by the HTTP layer (`server::auth_oidc`).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    AuthType, AuthenticationContextClass, AuthorizationCode, ClaimsVerificationError, ClientId,
    ClientSecret, CsrfToken, IssuerUrl, JsonWebKeyId, JsonWebKeySet, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, PrivateSigningKey, ProviderMetadataWithLogout,
    RedirectUrl, Scope, SignatureVerificationError, TokenResponse, reqwest,
};
use serde_json::{Map, Value};
use sqlx::Row;
use url::Url;

use crate::config::OidcSettings;
use crate::crypto::{RandomError, random_hex, sha256_hex};
use crate::db::Db;
use bedside_ward::access::Role;

/// A login not finished within this is refused (ms).
pub const LOGIN_TTL_MS: i64 = 10 * 60 * 1000;
/// Clock skew allowed for the ID token's `exp` and `iat`.
pub const SKEW_SECONDS: i64 = 120;
/// Discovery is retried at most this often while the provider is unreachable.
pub const DISCOVERY_RETRY: Duration = Duration::from_secs(10);
/// The JWKS is fetched again for an unknown `kid` at most this often.
pub const JWKS_REFRESH_MIN: Duration = Duration::from_secs(30);
/// The login cookie's name (`Path=/auth`).
pub const LOGIN_COOKIE: &str = "bedside_oidc";
/// Timeout of every request to the provider.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// A path into the claims: dotted names, `[*]` after a name for every element of an array
/// (`roles`, `nhsid_nrbac_roles[*].role_code`).
///
/// ```
/// use bedside::oidc::ClaimPath;
/// let p = ClaimPath::parse("nhsid_nrbac_roles[*].role_code").unwrap();
/// let claims = serde_json::json!({"nhsid_nrbac_roles": [{"role_code": "R8000"}, {"role_code": "R8001"}]});
/// assert_eq!(p.strings(claims.as_object().unwrap()), ["R8000", "R8001"]);
/// assert!(ClaimPath::parse("roles[0]").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPath {
    text: String,
    steps: Vec<(String, bool)>,
}

/// Why a claim path does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimPathError {
    /// Empty, or an empty step (`a..b`).
    #[error("{0:?}: a name is missing (at character {1})")]
    EmptyName(String, usize),
    /// A character other than letters, digits, `_`, `-`, `:`, or `[*]` after a name.
    #[error(
        "{0:?}: character {1} is not allowed (names are letters, digits, _ - :; [*] after a name for every element of an array)"
    )]
    BadCharacter(String, usize),
}

impl ClaimPath {
    /// Parses a path.
    ///
    /// # Errors
    /// [`ClaimPathError`] with the position.
    pub fn parse(text: &str) -> Result<ClaimPath, ClaimPathError> {
        let mut steps = Vec::new();
        let mut pos = 1;
        for part in text.split('.') {
            let (name, all) = match part.strip_suffix("[*]") {
                Some(n) => (n, true),
                None => (part, false),
            };
            if name.is_empty() {
                return Err(ClaimPathError::EmptyName(text.to_owned(), pos));
            }
            if let Some(i) = name
                .chars()
                .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':')))
            {
                return Err(ClaimPathError::BadCharacter(text.to_owned(), pos + i));
            }
            steps.push((name.to_owned(), all));
            pos += part.len() + 1;
        }
        Ok(ClaimPath {
            text: text.to_owned(),
            steps,
        })
    }

    /// The path as configured.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The string values at the path (an array of strings at the end counts as its
    /// elements), in order.
    #[must_use]
    pub fn strings(&self, claims: &Map<String, Value>) -> Vec<String> {
        let mut here: Vec<&Value> = Vec::new();
        for (i, (name, all)) in self.steps.iter().enumerate() {
            let next: Vec<&Value> = if i == 0 {
                claims.get(name).into_iter().collect()
            } else {
                here.iter()
                    .filter_map(|v| v.as_object().and_then(|o| o.get(name)))
                    .collect()
            };
            here = if *all {
                next.into_iter()
                    .filter_map(Value::as_array)
                    .flatten()
                    .collect()
            } else {
                next
            };
        }
        let mut out = Vec::new();
        for v in here {
            match v {
                Value::String(s) => out.push(s.clone()),
                Value::Array(a) => {
                    out.extend(a.iter().filter_map(|x| x.as_str().map(str::to_owned)))
                }
                _ => {}
            }
        }
        out
    }
}

/// Why a sign-in was refused: the reason code (audited, counted) and what the page says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The provider could not be reached or its discovery document is unusable.
    #[error("the sign-in provider cannot be reached")]
    ProviderUnavailable,
    /// The provider answered `error=` (e.g. `access_denied`).
    #[error("the provider answered {0}")]
    ProviderError(String),
    /// No `code` or `state` in the callback.
    #[error("the callback is missing code or state")]
    Malformed,
    /// No such login (never started here, or cleaned away).
    #[error("unknown state")]
    StateUnknown,
    /// The login was already used.
    #[error("state used before")]
    StateReplayed,
    /// The login is older than ten minutes.
    #[error("state expired")]
    StateExpired,
    /// The login was started in another browser (no or another `bedside_oidc` cookie).
    #[error("started in another browser")]
    OtherBrowser,
    /// The token endpoint refused the code or could not be reached.
    #[error("the token exchange failed")]
    TokenExchange,
    /// The token answer had no ID token.
    #[error("no ID token")]
    NoIdToken,
    /// `iss` is not the configured issuer.
    #[error("wrong issuer")]
    Issuer,
    /// `aud`/`azp` do not name this client.
    #[error("wrong audience")]
    Audience,
    /// `exp` passed or `iat` out of range.
    #[error("expired")]
    Expired,
    /// The signature does not verify.
    #[error("bad signature")]
    Signature,
    /// No key in the provider's JWKS has the token's `kid`, even after fetching it again.
    #[error("unknown signing key")]
    UnknownKey,
    /// `nonce` missing or not this login's.
    #[error("nonce mismatch")]
    Nonce,
    /// `acr` is not one of `acr_values`.
    #[error("authentication context not as asked")]
    Acr,
    /// Another ID token failure.
    #[error("invalid ID token")]
    IdToken,
    /// The userinfo answer was unusable or named another subject.
    #[error("userinfo unusable")]
    UserInfo,
    /// `user_claim` holds no string.
    #[error("no user id in claim {0}")]
    NoUser(String),
    /// No value of the role claim maps to a Bedside role.
    #[error("no mapped role")]
    NoRole {
        /// The claim path looked at.
        claim: String,
        /// The values it held.
        values: Vec<String>,
    },
    /// The values map to more than one Bedside role.
    #[error("several roles")]
    SeveralRoles {
        /// The claim path looked at.
        claim: String,
        /// The values it held.
        values: Vec<String>,
        /// The roles they map to.
        roles: Vec<&'static str>,
    },
    /// The login store or randomness failed.
    #[error("internal error")]
    Internal,
}

impl Refusal {
    /// The reason code audited in `auth.oidc_refused` and counted in
    /// `bedside_auth_failures_total{reason="oidc_…"}`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::ProviderUnavailable => "provider_unavailable",
            Refusal::ProviderError(_) => "provider_error",
            Refusal::Malformed => "malformed_callback",
            Refusal::StateUnknown => "state_unknown",
            Refusal::StateReplayed => "state_replayed",
            Refusal::StateExpired => "state_expired",
            Refusal::OtherBrowser => "other_browser",
            Refusal::TokenExchange => "token_exchange",
            Refusal::NoIdToken => "no_id_token",
            Refusal::Issuer => "wrong_issuer",
            Refusal::Audience => "wrong_audience",
            Refusal::Expired => "expired",
            Refusal::Signature => "bad_signature",
            Refusal::UnknownKey => "unknown_key",
            Refusal::Nonce => "nonce",
            Refusal::Acr => "acr",
            Refusal::IdToken => "id_token_invalid",
            Refusal::UserInfo => "userinfo",
            Refusal::NoUser(_) => "no_user_claim",
            Refusal::NoRole { .. } => "no_mapped_role",
            Refusal::SeveralRoles { .. } => "several_roles",
            Refusal::Internal => "internal",
        }
    }

    /// The metric label (`oidc_<code>`).
    #[must_use]
    pub fn metric(&self) -> String {
        format!("oidc_{}", self.code())
    }
}

/// What `GET /auth/login` needs to send the browser on.
#[derive(Debug, Clone)]
pub struct LoginStart {
    /// The provider's authorization URL.
    pub url: Url,
    /// The `bedside_oidc` cookie's value.
    pub browser: String,
}

/// A finished sign-in: the person, and the UI path to land on.
#[derive(Debug, Clone)]
pub struct Signed {
    /// Who (for [`crate::sessions::start`]).
    pub sign_in: crate::sessions::SignIn,
    /// Where the browser goes next (a UI path).
    pub next: String,
}

struct Provider {
    metadata: ProviderMetadataWithLogout,
    end_session: Option<Url>,
    jwks: RwLock<CoreJsonWebKeySet>,
}

/// The relying party: settings, the discovered provider and its keys.
pub struct Oidc {
    settings: OidcSettings,
    role_path: ClaimPath,
    user_path: ClaimPath,
    issuer: IssuerUrl,
    redirect: RedirectUrl,
    signer: Option<(CoreRsaPrivateSigningKey, CoreJwsSigningAlgorithm)>,
    http: reqwest::Client,
    provider: RwLock<Option<Arc<Provider>>>,
    discovery_tried: tokio::sync::Mutex<Option<Instant>>,
    jwks_fetched: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.settings.issuer)
            .field("client_id", &self.settings.client_id)
            .field("discovered", &self.discovered())
            .finish_non_exhaustive()
    }
}

/// Why the relying party could not be set up (start-up).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A setting (already validated by [`OidcSettings::validate`]) cannot be used.
    #[error("oidc: {0}")]
    Setting(String),
    /// The `private_key_jwt` key file.
    #[error("oidc.private_key_jwt.key_file {path}: {reason}")]
    Key {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

fn sha(s: &str) -> String {
    sha256_hex(s.as_bytes())
}

/// Whether `next` is a UI path we may redirect to (no open redirect): `/ui` or `/ui/…`
/// made of path characters only.
///
/// ```
/// use bedside::oidc::safe_next;
/// assert!(safe_next("/ui/administer?order=3"));
/// assert!(!safe_next("//evil.example/ui/"));
/// assert!(!safe_next("/ui/../v1/tokens"));
/// assert!(!safe_next("https://evil.example/ui/"));
/// ```
#[must_use]
pub fn safe_next(next: &str) -> bool {
    (next == "/ui" || next.starts_with("/ui/"))
        && next.len() <= 512
        && !next.contains("..")
        && !next.contains("//")
        && next
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_.~?=&%+".contains(&b))
}

impl Oidc {
    /// Sets up the relying party (no network: discovery is lazy).
    ///
    /// # Errors
    /// [`SetupError`] for an unusable URL or key file.
    pub fn new(settings: &OidcSettings) -> Result<Oidc, SetupError> {
        let role_path = ClaimPath::parse(&settings.role_claim)
            .map_err(|e| SetupError::Setting(e.to_string()))?;
        let user_path = ClaimPath::parse(&settings.user_claim)
            .map_err(|e| SetupError::Setting(e.to_string()))?;
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| SetupError::Setting(format!("issuer: {e}")))?;
        let redirect = RedirectUrl::new(settings.redirect_uri.clone())
            .map_err(|e| SetupError::Setting(format!("redirect_uri: {e}")))?;
        let signer = match &settings.private_key_jwt {
            None => None,
            Some(k) => {
                let path = k.key_file.display().to_string();
                let pem = std::fs::read_to_string(&k.key_file).map_err(|e| SetupError::Key {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
                let key = CoreRsaPrivateSigningKey::from_pem(
                    &pem,
                    Some(JsonWebKeyId::new(k.kid.clone())),
                )
                .map_err(|reason| SetupError::Key { path, reason })?;
                let alg = match k.alg.as_str() {
                    "RS384" => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
                    "RS512" => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
                    _ => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                };
                Some((key, alg))
            }
        };
        let http = reqwest::ClientBuilder::new()
            // Following redirects would open the client to SSRF through the provider.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|e| SetupError::Setting(format!("HTTP client: {e}")))?;
        Ok(Oidc {
            settings: settings.clone(),
            role_path,
            user_path,
            issuer,
            redirect,
            signer,
            http,
            provider: RwLock::new(None),
            discovery_tried: tokio::sync::Mutex::new(None),
            jwks_fetched: Mutex::new(None),
        })
    }

    /// Whether the provider's discovery document has been read.
    #[must_use]
    pub fn discovered(&self) -> bool {
        self.provider.read().is_ok_and(|p| p.is_some())
    }

    /// The configured settings.
    #[must_use]
    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// The provider's origin (`scheme://host[:port]`), e.g. for a page's `form-action`.
    #[must_use]
    pub fn issuer_origin(&self) -> String {
        self.issuer.url().origin().ascii_serialization()
    }

    /// The redirect URI's origin (the public origin browsers use, behind a proxy).
    #[must_use]
    pub fn redirect_origin(&self) -> String {
        self.redirect.url().origin().ascii_serialization()
    }

    /// The provider's RP-initiated logout URL for a session that signed in here, when
    /// discovery offered `end_session_endpoint`: `id_token_hint` (when kept),
    /// `post_logout_redirect_uri` and `client_id`.
    #[must_use]
    pub fn end_session_url(&self, id_token: Option<&str>, post_logout: &str) -> Option<Url> {
        let p = self.provider.read().ok()?.clone()?;
        let mut url = p.end_session.clone()?;
        {
            let mut q = url.query_pairs_mut();
            if let Some(t) = id_token {
                q.append_pair("id_token_hint", t);
            }
            q.append_pair("post_logout_redirect_uri", post_logout);
            q.append_pair("client_id", &self.settings.client_id);
        }
        Some(url)
    }

    /// The discovered provider, discovering it now when not yet done (at most every
    /// [`DISCOVERY_RETRY`]).
    async fn provider(&self) -> Result<Arc<Provider>, Refusal> {
        if let Some(p) = self.provider.read().ok().and_then(|p| p.clone()) {
            return Ok(p);
        }
        let mut tried = self.discovery_tried.lock().await;
        if let Some(p) = self.provider.read().ok().and_then(|p| p.clone()) {
            return Ok(p);
        }
        if tried.is_some_and(|t| t.elapsed() < DISCOVERY_RETRY) {
            return Err(Refusal::ProviderUnavailable);
        }
        *tried = Some(Instant::now());
        let metadata = match ProviderMetadataWithLogout::discover_async(
            self.issuer.clone(),
            &self.http,
        )
        .await
        {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(issuer = %self.settings.issuer, error = %e, "OpenID provider discovery failed");
                return Err(Refusal::ProviderUnavailable);
            }
        };
        let end_session = metadata
            .additional_metadata()
            .end_session_endpoint
            .as_ref()
            .map(|u| u.url().clone());
        let jwks = metadata.jwks().clone();
        let p = Arc::new(Provider {
            metadata,
            end_session,
            jwks: RwLock::new(jwks),
        });
        if let Ok(mut slot) = self.provider.write() {
            *slot = Some(p.clone());
        }
        tracing::info!(issuer = %self.settings.issuer, "OpenID provider discovered");
        Ok(p)
    }

    /// Starts a sign-in: stores the login (state hash, nonce, PKCE verifier, `next`) and
    /// returns the provider's authorization URL and the browser cookie's value.
    ///
    /// # Errors
    /// [`Refusal::ProviderUnavailable`] (discovery), [`Refusal::Internal`] (store).
    pub async fn start(&self, db: &Db, next: &str) -> Result<LoginStart, Refusal> {
        let p = self.provider().await?;
        let client = CoreClient::from_provider_metadata(
            p.metadata.clone(),
            ClientId::new(self.settings.client_id.clone()),
            None,
        )
        .set_redirect_uri(self.redirect.clone());
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut req = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for s in &self.settings.scopes {
            if s != "openid" {
                req = req.add_scope(Scope::new(s.clone()));
            }
        }
        for a in self.settings.acr_values.iter().flatten() {
            req = req.add_auth_context_value(AuthenticationContextClass::new(a.clone()));
        }
        let (url, state, nonce) = req.url();
        let browser = random_hex(32).map_err(|_: RandomError| Refusal::Internal)?;
        let now = crate::clock::now_ms();
        let next = if safe_next(next) { next } else { "/ui/" };
        sqlx::query("DELETE FROM oidc_logins WHERE created_at < $1")
            .bind(now - 86_400_000)
            .execute(&db.pool)
            .await
            .map_err(|_| Refusal::Internal)?;
        sqlx::query(
            "INSERT INTO oidc_logins (state_hash, browser_hash, nonce, pkce_verifier, next, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(sha(state.secret()))
        .bind(sha(&browser))
        .bind(nonce.secret().clone())
        .bind(verifier.secret().clone())
        .bind(next)
        .bind(now)
        .bind(now + LOGIN_TTL_MS)
        .execute(&db.pool)
        .await
        .map_err(|_| Refusal::Internal)?;
        Ok(LoginStart { url, browser })
    }

    /// Uses the login of `state` once: checks it is known, unused, in time and of this
    /// browser. The row is marked used before anything else, so a replay is refused.
    async fn take_login(
        &self,
        db: &Db,
        state: &str,
        browser: Option<&str>,
    ) -> Result<(String, String, String), Refusal> {
        let now = crate::clock::now_ms();
        let h = sha(state);
        let row = sqlx::query(
            "UPDATE oidc_logins SET used_at = $1 WHERE state_hash = $2 AND used_at IS NULL \
             RETURNING browser_hash, nonce, pkce_verifier, next, expires_at",
        )
        .bind(now)
        .bind(&h)
        .fetch_optional(&db.pool)
        .await
        .map_err(|_| Refusal::Internal)?;
        let Some(row) = row else {
            let seen = sqlx::query("SELECT 1 FROM oidc_logins WHERE state_hash = $1")
                .bind(&h)
                .fetch_optional(&db.pool)
                .await
                .map_err(|_| Refusal::Internal)?;
            return Err(if seen.is_some() {
                Refusal::StateReplayed
            } else {
                Refusal::StateUnknown
            });
        };
        let get = |i: usize| row.try_get::<String, _>(i).map_err(|_| Refusal::Internal);
        let expires_at: i64 = row.try_get(4).map_err(|_| Refusal::Internal)?;
        if expires_at <= now {
            return Err(Refusal::StateExpired);
        }
        if browser.map(sha).as_deref() != Some(get(0)?.as_str()) {
            return Err(Refusal::OtherBrowser);
        }
        Ok((get(1)?, get(2)?, get(3)?))
    }

    /// Uses a login's state without finishing it (the provider answered `error=`), so it
    /// cannot be used later.
    ///
    /// # Errors
    /// [`Refusal::Internal`] (store).
    pub async fn abandon(&self, db: &Db, state: &str) -> Result<(), Refusal> {
        sqlx::query(
            "UPDATE oidc_logins SET used_at = $1 WHERE state_hash = $2 AND used_at IS NULL",
        )
        .bind(crate::clock::now_ms())
        .bind(sha(state))
        .execute(&db.pool)
        .await
        .map_err(|_| Refusal::Internal)?;
        Ok(())
    }

    /// The `private_key_jwt` client assertion (RFC 7523): signed by the configured key
    /// through the crate's signing key; `iss` = `sub` = client id, `aud` = token endpoint.
    fn client_assertion(&self, token_endpoint: &str) -> Result<Option<String>, Refusal> {
        let Some((key, alg)) = &self.signer else {
            return Ok(None);
        };
        let now = crate::clock::now_ms() / 1000;
        let header = serde_json::json!({
            "alg": alg_name(alg),
            "typ": "JWT",
            "kid": self.settings.private_key_jwt.as_ref().map(|k| k.kid.clone()),
        });
        let claims = serde_json::json!({
            "iss": self.settings.client_id,
            "sub": self.settings.client_id,
            "aud": token_endpoint,
            "jti": random_hex(16).map_err(|_| Refusal::Internal)?,
            "iat": now,
            "exp": now + 300,
        });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let sig = key
            .sign(alg, input.as_bytes())
            .map_err(|_| Refusal::Internal)?;
        Ok(Some(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))))
    }

    /// Finishes a sign-in: uses the login once, exchanges the code (with the PKCE
    /// verifier), checks the ID token, reads the claims (with userinfo when the role
    /// claim is not in the ID token) and maps them to one person and one role.
    ///
    /// # Errors
    /// A [`Refusal`] naming the first check that failed.
    pub async fn finish(
        &self,
        db: &Db,
        code: &str,
        state: &str,
        browser: Option<&str>,
    ) -> Result<Signed, Refusal> {
        let (nonce, verifier, next) = self.take_login(db, state, browser).await?;
        let p = self.provider().await?;
        let secret = self.settings.client_secret.clone().map(ClientSecret::new);
        let mut client = CoreClient::from_provider_metadata(
            p.metadata.clone(),
            ClientId::new(self.settings.client_id.clone()),
            secret,
        )
        .set_redirect_uri(self.redirect.clone());
        if self.signer.is_some() {
            client = client.set_auth_type(AuthType::RequestBody);
        }
        let token_endpoint = p
            .metadata
            .token_endpoint()
            .map(|u| u.url().to_string())
            .ok_or(Refusal::ProviderUnavailable)?;
        let assertion = self.client_assertion(&token_endpoint)?;
        let mut req = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|_| Refusal::ProviderUnavailable)?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier));
        if let Some(a) = &assertion {
            req = req
                .add_extra_param(
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                )
                .add_extra_param("client_assertion", a.clone());
        }
        let tokens = match req.request_async(&self.http).await {
            Ok(t) => t,
            Err(e) => {
                // Only the kind of failure (and the protocol's error code) is logged: never
                // the code, a token, or the provider's free text.
                let what = match &e {
                    openidconnect::RequestTokenError::ServerResponse(r) => r.error().to_string(),
                    openidconnect::RequestTokenError::Request(_) => "request failed".to_owned(),
                    openidconnect::RequestTokenError::Parse(..) => "unreadable answer".to_owned(),
                    openidconnect::RequestTokenError::Other(_) => "other".to_owned(),
                };
                tracing::warn!(error = %what, "OpenID token exchange failed");
                return Err(Refusal::TokenExchange);
            }
        };
        let id_token = tokens.id_token().ok_or(Refusal::NoIdToken)?;
        let nonce = Nonce::new(nonce);
        let jwks = p.jwks.read().map_err(|_| Refusal::Internal)?.clone();
        let mut checked = self.check_id_token(id_token, &nonce, jwks);
        if checked == Err(Refusal::UnknownKey) && self.may_fetch_jwks() {
            match JsonWebKeySet::fetch_async(p.metadata.jwks_uri(), &self.http).await {
                Ok(fresh) => {
                    if let Ok(mut k) = p.jwks.write() {
                        *k = fresh.clone();
                    }
                    checked = self.check_id_token(id_token, &nonce, fresh);
                }
                Err(e) => tracing::warn!(error = %e, "OpenID provider JWKS fetch failed"),
            }
        }
        checked?;
        let mut claims = payload(&id_token.to_string())?;
        if self.role_path.strings(&claims).is_empty()
            && let Some(ui) = p.metadata.userinfo_endpoint()
        {
            let extra = self
                .userinfo(ui.url().as_str(), tokens.access_token().secret())
                .await?;
            if extra.get("sub") != claims.get("sub") {
                return Err(Refusal::UserInfo);
            }
            for (k, v) in extra {
                claims.entry(k).or_insert(v);
            }
        }
        let sign_in = self.person(&claims, id_token.to_string())?;
        Ok(Signed { sign_in, next })
    }

    /// Whether the JWKS may be fetched again now (at most every [`JWKS_REFRESH_MIN`]);
    /// notes the fetch when it may.
    fn may_fetch_jwks(&self) -> bool {
        let Ok(mut last) = self.jwks_fetched.lock() else {
            return false;
        };
        if last.is_some_and(|t| t.elapsed() < JWKS_REFRESH_MIN) {
            return false;
        }
        *last = Some(Instant::now());
        true
    }

    /// The crate's ID token checks with our clock skew, `iat` window and `acr` rule.
    fn check_id_token(
        &self,
        id_token: &openidconnect::core::CoreIdToken,
        nonce: &Nonce,
        jwks: CoreJsonWebKeySet,
    ) -> Result<(), Refusal> {
        let acr_values = self.settings.acr_values.clone();
        let verifier = openidconnect::core::CoreIdTokenVerifier::new_public_client(
            ClientId::new(self.settings.client_id.clone()),
            self.issuer.clone(),
            jwks,
        )
        .set_allowed_algs([
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
            CoreJwsSigningAlgorithm::RsaSsaPssSha256,
            CoreJwsSigningAlgorithm::RsaSsaPssSha384,
            CoreJwsSigningAlgorithm::RsaSsaPssSha512,
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            CoreJwsSigningAlgorithm::EcdsaP384Sha384,
        ])
        // `exp` may have passed by up to the skew.
        .set_time_fn(|| chrono::Utc::now() - chrono::Duration::seconds(SKEW_SECONDS))
        .set_issue_time_verifier_fn(|iat| {
            let now = chrono::Utc::now();
            if iat > now + chrono::Duration::seconds(SKEW_SECONDS) {
                Err("issued in the future".to_owned())
            } else if iat < now - chrono::Duration::milliseconds(LOGIN_TTL_MS) {
                Err("issued too long ago".to_owned())
            } else {
                Ok(())
            }
        })
        .set_auth_context_verifier_fn(move |acr| match &acr_values {
            None => Ok(()),
            Some(asked) if acr.is_some_and(|a| asked.iter().any(|x| x == a.as_str())) => Ok(()),
            Some(_) => Err("acr is not one of acr_values".to_owned()),
        });
        id_token
            .claims(&verifier, nonce)
            .map(|_| ())
            .map_err(|e| classify(&e))
    }

    /// The userinfo endpoint's claims (JSON answers only).
    async fn userinfo(&self, url: &str, access_token: &str) -> Result<Map<String, Value>, Refusal> {
        let resp = self
            .http
            .get(url)
            .bearer_auth(access_token)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|_| Refusal::UserInfo)?;
        if !resp.status().is_success() {
            return Err(Refusal::UserInfo);
        }
        let body = resp.bytes().await.map_err(|_| Refusal::UserInfo)?;
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(Refusal::UserInfo),
        }
    }

    /// The person the (verified) claims name: user id, display name, one Bedside role.
    ///
    /// # Errors
    /// [`Refusal::NoUser`], [`Refusal::NoRole`], [`Refusal::SeveralRoles`].
    pub fn person(
        &self,
        claims: &Map<String, Value>,
        id_token: String,
    ) -> Result<crate::sessions::SignIn, Refusal> {
        let user = self
            .user_path
            .strings(claims)
            .into_iter()
            .find(|u| !u.is_empty())
            .ok_or_else(|| Refusal::NoUser(self.user_path.as_str().to_owned()))?;
        let values = self.role_path.strings(claims);
        let roles: BTreeSet<&'static str> = values
            .iter()
            .filter_map(|v| self.settings.role_map.get(v))
            .filter_map(|r| Role::parse(r))
            .map(Role::as_str)
            .collect();
        let role = match roles.len() {
            0 => {
                return Err(Refusal::NoRole {
                    claim: self.role_path.as_str().to_owned(),
                    values,
                });
            }
            1 => roles
                .iter()
                .next()
                .and_then(|r| Role::parse(r))
                .ok_or(Refusal::Internal)?,
            _ => {
                return Err(Refusal::SeveralRoles {
                    claim: self.role_path.as_str().to_owned(),
                    values,
                    roles: roles.into_iter().collect(),
                });
            }
        };
        let text = |k: &str| {
            claims
                .get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let display_name = text("name")
            .or_else(|| text("display_name"))
            .or_else(|| match (text("given_name"), text("family_name")) {
                (Some(g), Some(f)) => Some(format!("{g} {f}")),
                (g, f) => g.or(f),
            })
            .unwrap_or_else(|| user.clone());
        Ok(crate::sessions::SignIn {
            user,
            display_name,
            role,
            method: crate::sessions::Method::Oidc,
            id_token: Some(id_token),
        })
    }
}

fn alg_name(alg: &CoreJwsSigningAlgorithm) -> &'static str {
    match alg {
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384 => "RS384",
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512 => "RS512",
        _ => "RS256",
    }
}

fn classify(e: &ClaimsVerificationError) -> Refusal {
    match e {
        ClaimsVerificationError::InvalidIssuer(_) => Refusal::Issuer,
        ClaimsVerificationError::InvalidAudience(_) => Refusal::Audience,
        ClaimsVerificationError::Expired(_) => Refusal::Expired,
        ClaimsVerificationError::InvalidNonce(_) => Refusal::Nonce,
        ClaimsVerificationError::InvalidAuthContext(_) => Refusal::Acr,
        ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        ) => Refusal::UnknownKey,
        ClaimsVerificationError::SignatureVerification(_) => Refusal::Signature,
        _ => Refusal::IdToken,
    }
}

/// The claims of a JWT whose signature and claims the crate has verified.
fn payload(jwt: &str) -> Result<Map<String, Value>, Refusal> {
    let part = jwt.split('.').nth(1).ok_or(Refusal::IdToken)?;
    let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| Refusal::IdToken)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Refusal::IdToken),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> OidcSettings {
        serde_json::from_value(serde_json::json!({
            "issuer": "http://127.0.0.1:9/",
            "client_id": "bedside",
            "client_secret": "s",
            "redirect_uri": "http://127.0.0.1:8080/auth/callback",
            "role_claim": "nhsid_nrbac_roles[*].role_code",
            "user_claim": "nhsid_useruid",
            "role_map": {"R8000": "nurse", "R8003": "pharmacist", "R8001": "nurse"},
        }))
        .unwrap()
    }

    #[test]
    fn one_role_from_a_cis2_style_claim() {
        let o = Oidc::new(&settings()).unwrap();
        let claims = serde_json::json!({
            "sub": "x", "nhsid_useruid": "555000111222",
            "given_name": "Ada", "family_name": "Okafor",
            "nhsid_nrbac_roles": [{"role_code": "R8000"}, {"role_code": "R8001"}, {"role_code": "S0010"}],
        });
        let s = o.person(claims.as_object().unwrap(), "t".into()).unwrap();
        assert_eq!(s.user, "555000111222");
        assert_eq!(s.display_name, "Ada Okafor");
        assert_eq!(s.role, Role::Nurse);
    }

    #[test]
    fn several_roles_or_none_are_refused_naming_the_claim() {
        let o = Oidc::new(&settings()).unwrap();
        let several = serde_json::json!({"nhsid_useruid": "u",
            "nhsid_nrbac_roles": [{"role_code": "R8000"}, {"role_code": "R8003"}]});
        match o.person(several.as_object().unwrap(), String::new()) {
            Err(Refusal::SeveralRoles { claim, roles, .. }) => {
                assert_eq!(claim, "nhsid_nrbac_roles[*].role_code");
                assert_eq!(roles, ["nurse", "pharmacist"]);
            }
            other => panic!("{other:?}"),
        }
        let none = serde_json::json!({"nhsid_useruid": "u", "nhsid_nrbac_roles": [{"role_code": "S0010"}]});
        assert_eq!(
            o.person(none.as_object().unwrap(), String::new())
                .unwrap_err(),
            Refusal::NoRole {
                claim: "nhsid_nrbac_roles[*].role_code".into(),
                values: vec!["S0010".into()]
            }
        );
        let nobody = serde_json::json!({"nhsid_nrbac_roles": [{"role_code": "R8000"}]});
        assert_eq!(
            o.person(nobody.as_object().unwrap(), String::new())
                .unwrap_err(),
            Refusal::NoUser("nhsid_useruid".into())
        );
    }

    #[test]
    fn settings_are_checked_at_start_up() {
        let bad = |f: &dyn Fn(&mut OidcSettings)| {
            let mut s = settings();
            f(&mut s);
            s.validate().unwrap_err().to_string()
        };
        assert!(settings().validate().is_ok());
        assert!(
            bad(&|s| s.issuer = "http://idp.example".into()).contains("oidc.issuer must be https")
        );
        assert!(
            bad(&|s| s.redirect_uri = "http://bedside.example/auth/callback".into())
                .contains("oidc.redirect_uri must be https")
        );
        assert!(
            bad(&|s| s.redirect_uri = "https://bedside.example/callback".into())
                .contains("/auth/callback")
        );
        assert!(bad(&|s| s.role_claim = "roles[0]".into()).contains("oidc.role_claim"));
        assert!(
            bad(&|s| {
                s.role_map.insert("X".into(), "doctor".into());
            })
            .contains("\"doctor\"")
        );
        assert!(bad(&|s| s.client_secret = None).contains("exactly one"));
        assert!(
            bad(&|s| {
                s.private_key_jwt = Some(crate::config::PrivateKeyJwt {
                    key_file: "k.pem".into(),
                    kid: "k".into(),
                    alg: "RS256".into(),
                });
            })
            .contains("exactly one")
        );
        assert!(bad(&|s| s.acr_values = Some(vec![])).contains("acr_values"));
        // https anywhere; http on loopback names only.
        let mut s = settings();
        s.issuer = "http://localhost:4000/".into();
        s.redirect_uri = "http://[::1]:8080/auth/callback".into();
        assert!(s.validate().is_ok());
        // Unknown keys in the file are refused.
        let e = serde_json::from_value::<OidcSettings>(serde_json::json!({
            "issuer": "https://i", "client_id": "c", "client_secret": "s",
            "redirect_uri": "https://b/auth/callback", "role_map": {}, "audience": "x"
        }));
        assert!(e.unwrap_err().to_string().contains("audience"));
    }

    #[test]
    fn environment_json_errors_name_the_variable() {
        let mut cfg = crate::config::Config::default();
        let e = cfg
            .apply_oidc_env(|k| (k == "BEDSIDE_OIDC_ROLE_MAP").then(|| "{nurse".to_owned()))
            .unwrap_err();
        assert!(e.to_string().contains("BEDSIDE_OIDC_ROLE_MAP"), "{e}");
        // Only some keys: the missing ones are named.
        let e = cfg
            .apply_oidc_env(|k| (k == "BEDSIDE_OIDC_ISSUER").then(|| "https://i".to_owned()))
            .unwrap_err();
        assert!(e.to_string().contains("client_id"), "{e}");
        // Overriding the file's secret.
        cfg.oidc = Some(settings());
        cfg.apply_oidc_env(|k| (k == "BEDSIDE_OIDC_CLIENT_SECRET").then(|| "new".to_owned()))
            .unwrap();
        assert_eq!(cfg.oidc.unwrap().client_secret.as_deref(), Some("new"));
    }

    #[test]
    fn claim_paths_reject_what_they_cannot_read() {
        assert!(ClaimPath::parse("").is_err());
        assert!(ClaimPath::parse("a..b").is_err());
        assert!(ClaimPath::parse("a[1]").is_err());
        assert!(ClaimPath::parse("a b").is_err());
        let p = ClaimPath::parse("roles").unwrap();
        let c = serde_json::json!({"roles": ["ward-nurse", 3, "x"]});
        assert_eq!(p.strings(c.as_object().unwrap()), ["ward-nurse", "x"]);
    }

    #[test]
    fn the_client_assertion_verifies_with_the_public_key() {
        use openidconnect::JsonWebKey;
        let dir = std::env::temp_dir().join(format!("bedside-pkjwt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key_file = dir.join("key.pem");
        std::fs::write(&key_file, include_str!("../tests/peers/oidc-key-a.pem")).unwrap();
        let mut s = settings();
        s.client_secret = None;
        s.private_key_jwt = Some(crate::config::PrivateKeyJwt {
            key_file,
            kid: "rp-1".into(),
            alg: "RS256".into(),
        });
        s.validate().unwrap();
        let o = Oidc::new(&s).unwrap();
        let jwt = o
            .client_assertion("https://idp.example/token")
            .unwrap()
            .unwrap();
        let (input, sig) = jwt.rsplit_once('.').unwrap();
        let public = o.signer.as_ref().unwrap().0.as_verification_key();
        public
            .verify_signature(
                &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                input.as_bytes(),
                &URL_SAFE_NO_PAD.decode(sig).unwrap(),
            )
            .unwrap();
        let claims = payload(&jwt).unwrap();
        assert_eq!(claims["iss"], "bedside");
        assert_eq!(claims["aud"], "https://idp.example/token");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
