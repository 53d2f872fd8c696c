//! The OpenID Connect relying party against a rogue provider written here: a real HTTP
//! server on a loopback port serving discovery, a JWKS, a token endpoint (which checks the
//! PKCE verifier and the client secret) and userinfo, and handing out ID tokens the test
//! crafts and signs (RSA keys in `peers/oidc-key-*.pem`, signed through `openidconnect`'s
//! signing key). The service runs for real (SQLite, and PostgreSQL where marked) and is
//! driven over real HTTP like a browser without script: `/auth/login`, then the callback.
//!
//! Every refusal asserts the page, that no session was created, and the
//! `auth.oidc_refused` audit row with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get as route_get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey};
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use serde_json::{Value, json};
use sha2::Digest;
use sqlx::Row;

use crate::common;

const CLIENT: &str = "bedside-ward";
const SECRET: &str = "rogue-client-secret";

fn key(name: &str, kid: &str) -> CoreRsaPrivateSigningKey {
    let pem = std::fs::read_to_string(format!(
        "{}/tests/peers/oidc-key-{name}.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new(kid.to_owned()))).unwrap()
}

/// A compact JWS of `claims`, signed RS256 by `key` and naming `kid` in its header.
fn jwt(key: &CoreRsaPrivateSigningKey, kid: &str, claims: &Value) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let sig = key
        .sign(
            &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            input.as_bytes(),
        )
        .unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

#[derive(Default)]
struct RogueState {
    issuer: String,
    jwks: Vec<Value>,
    jwks_fetches: usize,
    /// code → (ID token, PKCE challenge)
    codes: HashMap<String, (String, String)>,
    /// access token → userinfo answer
    userinfo: HashMap<String, Value>,
}

/// The rogue provider: a real loopback HTTP server.
struct Rogue {
    addr: SocketAddr,
    state: Arc<Mutex<RogueState>>,
}

impl Rogue {
    async fn start(keys: &[&CoreRsaPrivateSigningKey]) -> Rogue {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(RogueState {
            issuer: format!("http://{addr}"),
            ..RogueState::default()
        }));
        let rogue = Rogue { addr, state };
        rogue.set_keys(keys);
        let app = axum::Router::new()
            .route("/.well-known/openid-configuration", route_get(discovery))
            .route("/jwks", route_get(jwks))
            .route("/token", post(token))
            .route("/userinfo", route_get(userinfo))
            .with_state(rogue.state.clone());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        rogue
    }

    fn issuer(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn set_keys(&self, keys: &[&CoreRsaPrivateSigningKey]) {
        self.state.lock().unwrap().jwks = keys
            .iter()
            .map(|k| serde_json::to_value(k.as_verification_key()).unwrap())
            .collect();
    }

    fn jwks_fetches(&self) -> usize {
        self.state.lock().unwrap().jwks_fetches
    }

    /// Hands out `id_token` for `code` (to the holder of the PKCE verifier of
    /// `challenge`), with `userinfo` behind the access token.
    fn issue(&self, code: &str, id_token: String, challenge: &str, userinfo: Option<Value>) {
        let mut s = self.state.lock().unwrap();
        s.codes
            .insert(code.to_owned(), (id_token, challenge.to_owned()));
        if let Some(u) = userinfo {
            s.userinfo.insert(format!("at-{code}"), u);
        }
    }
}

async fn discovery(State(s): State<Arc<Mutex<RogueState>>>) -> axum::Json<Value> {
    let iss = s.lock().unwrap().issuer.clone();
    axum::Json(json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/authorize"),
        "token_endpoint": format!("{iss}/token"),
        "jwks_uri": format!("{iss}/jwks"),
        "userinfo_endpoint": format!("{iss}/userinfo"),
        "end_session_endpoint": format!("{iss}/session/end"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks(State(s): State<Arc<Mutex<RogueState>>>) -> axum::Json<Value> {
    let mut s = s.lock().unwrap();
    s.jwks_fetches += 1;
    axum::Json(json!({"keys": s.jwks}))
}

async fn token(
    State(s): State<Arc<Mutex<RogueState>>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> axum::response::Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT}:{SECRET}"))
    );
    let assertion_ok = form.get("client_assertion").is_some_and(|jwt| {
        client_assertion_valid(jwt, &s.lock().unwrap().issuer)
            && form.get("client_id").map(String::as_str) == Some(CLIENT)
            && form.get("client_assertion_type").map(String::as_str)
                == Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            && headers.get("authorization").is_none()
    });
    if !assertion_ok
        && headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(basic.as_str())
    {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let Some((id_token, challenge)) = s.lock().unwrap().codes.remove(&code) else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let computed = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    if computed != challenge
        || form.get("grant_type").map(String::as_str) != Some("authorization_code")
    {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    axum::Json(json!({
        "access_token": format!("at-{code}"),
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}

/// A `private_key_jwt` assertion signed by the client's key (`peers/oidc-key-c.pem`, the
/// public half registered here), for this client and this token endpoint, not expired.
fn client_assertion_valid(jwt: &str, issuer: &str) -> bool {
    use openidconnect::JsonWebKey;
    let Some((input, sig)) = jwt.rsplit_once('.') else {
        return false;
    };
    let Ok(sig) = URL_SAFE_NO_PAD.decode(sig) else {
        return false;
    };
    let public = key("c", "rp-1").as_verification_key();
    if public
        .verify_signature(
            &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            input.as_bytes(),
            &sig,
        )
        .is_err()
    {
        return false;
    }
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(input.split('.').nth(1).unwrap_or_default())
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    claims["iss"] == CLIENT
        && claims["sub"] == CLIENT
        && claims["aud"] == format!("{issuer}/token")
        && claims["exp"].as_i64().is_some_and(|e| e > now())
        && claims["jti"].is_string()
}

async fn userinfo(
    State(s): State<Arc<Mutex<RogueState>>>,
    headers: HeaderMap,
) -> axum::response::Response {
    let at = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    match s.lock().unwrap().userinfo.get(at) {
        Some(v) => axum::Json(v.clone()).into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

fn oidc_config(db: &common::TestDb, issuer: &str, extra: Value) -> bedside::config::Config {
    let mut o = json!({
        "issuer": issuer,
        "client_id": CLIENT,
        "client_secret": SECRET,
        "redirect_uri": "http://127.0.0.1:8080/auth/callback",
        "role_map": {"ward-nurse": "nurse", "pharmacy": "pharmacist"},
    });
    for (k, v) in extra.as_object().unwrap() {
        o[k] = v.clone();
    }
    let mut cfg = db.config();
    cfg.demo = false;
    cfg.oidc = Some(serde_json::from_value(o).unwrap());
    cfg
}

async fn get(addr: SocketAddr, path: &str, headers: Vec<(String, String)>) -> common::Resp {
    let p = path.to_owned();
    tokio::task::spawn_blocking(move || common::http_with(addr, "GET", &p, &headers, b""))
        .await
        .unwrap()
}

fn set_cookie<'r>(r: &'r common::Resp, name: &str) -> Option<&'r str> {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.as_str())
        .find(|v| v.starts_with(&format!("{name}=")))
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned()
}

/// A login started at the service: what the provider was sent, and the browser cookie.
struct Login {
    state: String,
    nonce: String,
    challenge: String,
    browser: String,
    authorize: url::Url,
}

async fn start_login(app: &common::TestApp, next: &str) -> Login {
    let r = get(app.addr, &format!("/auth/login?next={next}"), vec![]).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let authorize = url::Url::parse(r.header("location").unwrap()).unwrap();
    let q: HashMap<String, String> = authorize.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], CLIENT);
    assert_eq!(q["code_challenge_method"], "S256");
    assert!(q["scope"].split(' ').any(|s| s == "openid"), "{q:?}");
    let c = set_cookie(&r, "bedside_oidc").expect("the login cookie");
    assert!(
        c.contains("Path=/auth") && c.contains("HttpOnly") && c.contains("SameSite=Lax"),
        "{c}"
    );
    assert!(c.contains("Max-Age=600"), "{c}");
    Login {
        state: q["state"].clone(),
        nonce: q["nonce"].clone(),
        challenge: q["code_challenge"].clone(),
        browser: cookie_value(c),
        authorize,
    }
}

async fn callback(app: &common::TestApp, login: &Login, code: &str) -> common::Resp {
    get(
        app.addr,
        &format!("/auth/callback?code={code}&state={}", login.state),
        vec![("Cookie".into(), format!("bedside_oidc={}", login.browser))],
    )
    .await
}

fn now() -> i64 {
    bedside::clock::now_ms() / 1000
}

/// The claims of a good sign-in for Ada, a ward nurse.
fn good_claims(rogue: &Rogue, login: &Login) -> Value {
    json!({
        "iss": rogue.issuer(),
        "sub": "ada-0001",
        "aud": CLIENT,
        "exp": now() + 300,
        "iat": now(),
        "nonce": login.nonce,
        "name": "Ada Okafor",
        "roles": ["ward-nurse"],
    })
}

async fn sessions(app: &common::TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn refusals(app: &common::TestApp) -> Vec<Value> {
    sqlx::query("SELECT detail FROM audit WHERE action = 'auth.oidc_refused' ORDER BY seq")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(&r.try_get::<String, _>(0).unwrap()).unwrap())
        .collect()
}

/// Asserts a refusal page (HTML, no script, a "Try again" link), no session, and the
/// audit row with `reason`.
async fn assert_refused(app: &common::TestApp, r: &common::Resp, status: u16, reason: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    assert!(
        r.header("content-type").unwrap().starts_with("text/html"),
        "{:?}",
        r.headers
    );
    let page = r.text();
    assert!(
        page.contains("href=\"/auth/login\">Try again</a>"),
        "{page}"
    );
    assert!(!page.contains("<script"), "{page}");
    assert!(set_cookie(r, "bedside_session").is_none());
    assert_eq!(sessions(app).await, 0, "no session may be created");
    let audited = refusals(app).await;
    assert!(
        audited.iter().any(|d| d["reason"] == reason),
        "no auth.oidc_refused with reason {reason}: {audited:?}"
    );
    for d in &audited {
        let text = d.to_string();
        assert!(!text.contains("eyJ"), "a token in the audit: {text}");
    }
    let m = get(app.addr, "/metrics", vec![]).await.text();
    assert!(
        m.contains(&format!("reason=\"oidc_{reason}\"")),
        "metrics lack oidc_{reason}"
    );
}

/// Signs in through the rogue with `claims` (the ID token signed by `key` as `kid`).
async fn sign_in_with(
    app: &common::TestApp,
    rogue: &Rogue,
    key: &CoreRsaPrivateSigningKey,
    kid: &str,
    claims: impl FnOnce(&Login) -> Value,
) -> (Login, common::Resp) {
    let login = start_login(app, "/ui/").await;
    let code = format!("code-{}", &login.state[..8]);
    rogue.issue(
        &code,
        jwt(key, kid, &claims(&login)),
        &login.challenge,
        None,
    );
    let r = callback(app, &login, &code).await;
    (login, r)
}

async fn me(app: &common::TestApp, session: &str) -> Value {
    let r = get(
        app.addr,
        "/v1/me",
        vec![("Cookie".into(), format!("bedside_session={session}"))],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

async fn signs_in_a_nurse(db: common::TestDb) {
    let a = key("a", "a");
    let rogue = Rogue::start(&[&a]).await;
    let app = common::TestApp::start(oidc_config(&db, &rogue.issuer(), json!({}))).await;
    let methods = get(app.addr, "/auth/methods", vec![]).await.json();
    assert_eq!(methods["oidc"], true, "{methods}");
    let login = start_login(&app, "/ui/administer").await;
    assert_eq!(login.authorize.path(), "/authorize");
    rogue.issue(
        "code-1",
        jwt(&a, "a", &good_claims(&rogue, &login)),
        &login.challenge,
        None,
    );
    let r = callback(&app, &login, "code-1").await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.header("location"), Some("/ui/administer"));
    let session = cookie_value(set_cookie(&r, "bedside_session").unwrap());
    assert!(
        set_cookie(&r, "bedside_oidc")
            .unwrap()
            .contains("Max-Age=0"),
        "the login cookie is cleared"
    );
    let who = me(&app, &session).await;
    assert_eq!(who["user"], "ada-0001", "{who}");
    assert_eq!(who["display_name"], "Ada Okafor");
    assert_eq!(who["role"], "nurse");
    assert_eq!(who["signed_in_by"], "oidc");
    let started: i64 = sqlx::query(
        "SELECT COUNT(*) FROM audit WHERE action = 'session.started' AND actor = 'user:ada-0001'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert_eq!(started, 1);

    // The same state again (a replay of the callback URL) is refused, even with the
    // browser's cookie, and starts nothing.
    rogue.issue(
        "code-1",
        jwt(&a, "a", &good_claims(&rogue, &login)),
        &login.challenge,
        None,
    );
    let again = callback(&app, &login, "code-1").await;
    assert_eq!(again.status, 400, "{}", again.text());
    assert!(again.text().contains("already been used"));
    assert!(set_cookie(&again, "bedside_session").is_none());
    assert!(
        refusals(&app)
            .await
            .iter()
            .any(|d| d["reason"] == "state_replayed")
    );
    let live: i64 = sqlx::query("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(live, 1, "the replay started no session");

    // Sign-out continues at the provider's end_session_endpoint with the ID token hint.
    let end = app
        .state
        .provider_sign_out(Some("the-id-token"), &HeaderMap::new())
        .unwrap();
    let end = url::Url::parse(&end).unwrap();
    assert_eq!(end.path(), "/session/end");
    let q: HashMap<String, String> = end.query_pairs().into_owned().collect();
    assert_eq!(q["id_token_hint"], "the-id-token");
    assert_eq!(
        q["post_logout_redirect_uri"],
        "http://127.0.0.1:8080/auth/signed-out"
    );
    app.stop().await;
}
both_backends!(
    signs_in_a_nurse_and_refuses_a_replayed_state,
    signs_in_a_nurse
);

async fn refused_case(
    extra: Value,
    kid: &str,
    signer: &str,
    claims: impl FnOnce(&Rogue, &Login) -> Value,
    status: u16,
    reason: &str,
) -> (common::TestDb, common::TestApp, common::Resp) {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let a = key("a", "a");
    let rogue = Rogue::start(&[&a]).await;
    let app = common::TestApp::start(oidc_config(&db, &rogue.issuer(), extra)).await;
    let k = key(signer, kid);
    let (_, r) = sign_in_with(&app, &rogue, &k, kid, |l| claims(&rogue, l)).await;
    assert_refused(&app, &r, status, reason).await;
    (db, app, r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_the_wrong_audience() {
    let (_db, app, _) = refused_case(
        json!({}),
        "a",
        "a",
        |rogue, l| {
            let mut c = good_claims(rogue, l);
            c["aud"] = json!("another-client");
            c
        },
        403,
        "wrong_audience",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_several_audiences_without_azp_for_us() {
    let (_db, app, _) = refused_case(
        json!({}),
        "a",
        "a",
        |rogue, l| {
            let mut c = good_claims(rogue, l);
            c["aud"] = json!([CLIENT, "another-client"]);
            c["azp"] = json!("another-client");
            c
        },
        403,
        "wrong_audience",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_the_wrong_issuer() {
    let (_db, app, _) = refused_case(
        json!({}),
        "a",
        "a",
        |rogue, l| {
            let mut c = good_claims(rogue, l);
            c["iss"] = json!("https://idp.evil.example");
            c
        },
        403,
        "wrong_issuer",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_an_expired_id_token() {
    // Past the two minutes' skew.
    let (_db, app, _) = refused_case(
        json!({}),
        "a",
        "a",
        |rogue, l| {
            let mut c = good_claims(rogue, l);
            c["iat"] = json!(now() - 400);
            c["exp"] = json!(now() - 130);
            c
        },
        403,
        "expired",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_an_id_token_issued_in_the_future() {
    let (_db, app, _) = refused_case(
        json!({}),
        "a",
        "a",
        |rogue, l| {
            let mut c = good_claims(rogue, l);
            c["iat"] = json!(now() + 600);
            c["exp"] = json!(now() + 900);
            c
        },
        403,
        "expired",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_bad_signature() {
    // Signed by key b while naming key a, which the JWKS holds.
    let (_db, app, _) = refused_case(json!({}), "a", "b", good_claims, 403, "bad_signature").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_missing_nonce() {
    let (_db, app, _) = refused_case(
        json!({}),
        "a",
        "a",
        |rogue, l| {
            let mut c = good_claims(rogue, l);
            c.as_object_mut().unwrap().remove("nonce");
            c
        },
        403,
        "nonce",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_another_logins_nonce() {
    let (_db, app, _) = refused_case(
        json!({}),
        "a",
        "a",
        |rogue, l| {
            let mut c = good_claims(rogue, l);
            c["nonce"] = json!("not-this-logins-nonce");
            c
        },
        403,
        "nonce",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_an_acr_not_asked_for() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let a = key("a", "a");
    let rogue = Rogue::start(&[&a]).await;
    let app = common::TestApp::start(oidc_config(
        &db,
        &rogue.issuer(),
        json!({"acr_values": ["AAL3_ANY"]}),
    ))
    .await;
    let login = start_login(&app, "/ui/").await;
    let q: HashMap<String, String> = login.authorize.query_pairs().into_owned().collect();
    assert_eq!(q["acr_values"], "AAL3_ANY");
    let mut c = good_claims(&rogue, &login);
    c["acr"] = json!("AAL1_USERPASS");
    rogue.issue("weak", jwt(&a, "a", &c), &login.challenge, None);
    let r = callback(&app, &login, "weak").await;
    assert_refused(&app, &r, 403, "acr").await;
    assert!(r.text().contains("smartcard"), "{}", r.text());

    // The asked-for class is accepted.
    let login = start_login(&app, "/ui/").await;
    let mut c = good_claims(&rogue, &login);
    c["acr"] = json!("AAL3_ANY");
    rogue.issue("strong", jwt(&a, "a", &c), &login.challenge, None);
    let r = callback(&app, &login, "strong").await;
    assert_eq!(r.status, 303, "{}", r.text());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_user_without_a_mapped_role_naming_the_claim() {
    let (_db, app, r) = refused_case(
        json!({}),
        "a",
        "a",
        |rogue, l| {
            let mut c = good_claims(rogue, l);
            c["roles"] = json!(["porter"]);
            c
        },
        403,
        "no_mapped_role",
    )
    .await;
    let page = r.text();
    assert!(page.contains("<code>roles</code>"), "{page}");
    assert!(page.contains("<code>porter</code>"), "{page}");
    assert!(!page.contains("Ada"), "no other personal data: {page}");
    let audited = refusals(&app).await;
    assert_eq!(audited[0]["claim"], "roles");
    assert_eq!(audited[0]["values"], json!(["porter"]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_user_with_several_roles() {
    let (_db, app, r) = refused_case(
        json!({}),
        "a",
        "a",
        |rogue, l| {
            let mut c = good_claims(rogue, l);
            c["roles"] = json!(["ward-nurse", "pharmacy"]);
            c
        },
        403,
        "several_roles",
    )
    .await;
    assert!(r.text().contains("selectedrole"), "{}", r.text());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_kid_fetches_the_jwks_once_then_a_rotated_key_is_accepted() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let a = key("a", "a");
    let b = key("b", "b");
    let c = key("c", "c");
    let rogue = Rogue::start(&[&a]).await;
    let app = common::TestApp::start(oidc_config(&db, &rogue.issuer(), json!({}))).await;
    // The provider rotates to key b before anyone signs in with it: the first token
    // naming b makes the service fetch the JWKS again, and it is accepted.
    let (_, first) = sign_in_with(&app, &rogue, &a, "a", |l| good_claims(&rogue, l)).await;
    assert_eq!(first.status, 303, "{}", first.text());
    assert_eq!(rogue.jwks_fetches(), 1, "discovery fetched the JWKS once");
    rogue.set_keys(&[&a, &b]);
    let (_, rotated) = sign_in_with(&app, &rogue, &b, "b", |l| good_claims(&rogue, l)).await;
    assert_eq!(rotated.status, 303, "{}", rotated.text());
    assert_eq!(rogue.jwks_fetches(), 2, "fetched again for the unknown kid");
    app.stop().await;

    // A kid the provider never published is refused; a flood of such tokens fetches the
    // JWKS at most once per interval.
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let rogue = Rogue::start(&[&a]).await;
    let app = common::TestApp::start(oidc_config(&db, &rogue.issuer(), json!({}))).await;
    for _ in 0..3 {
        let (_, r) = sign_in_with(&app, &rogue, &c, "c", |l| good_claims(&rogue, l)).await;
        assert_refused(&app, &r, 403, "unknown_key").await;
    }
    // Discovery's fetch, then one more for the first unknown kid, none for the others.
    assert_eq!(rogue.jwks_fetches(), 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_from_userinfo_when_the_id_token_lacks_them() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let a = key("a", "a");
    let rogue = Rogue::start(&[&a]).await;
    let app = common::TestApp::start(oidc_config(
        &db,
        &rogue.issuer(),
        json!({"role_claim": "nhsid_nrbac_roles[*].role_code", "user_claim": "nhsid_useruid",
               "role_map": {"R8003": "pharmacist"}}),
    ))
    .await;
    let login = start_login(&app, "/ui/").await;
    let mut c = good_claims(&rogue, &login);
    c.as_object_mut().unwrap().remove("roles");
    c.as_object_mut().unwrap().remove("name");
    rogue.issue(
        "ui-1",
        jwt(&a, "a", &c),
        &login.challenge,
        Some(json!({"sub": "ada-0001", "nhsid_useruid": "555123456789",
                    "display_name": "Okafor A (Pharmacist)",
                    "nhsid_nrbac_roles": [{"role_code": "R8003", "org_code": "RX1"}]})),
    );
    let r = callback(&app, &login, "ui-1").await;
    assert_eq!(r.status, 303, "{}", r.text());
    let who = me(
        &app,
        &cookie_value(set_cookie(&r, "bedside_session").unwrap()),
    )
    .await;
    assert_eq!(who["user"], "555123456789");
    assert_eq!(who["display_name"], "Okafor A (Pharmacist)");
    assert_eq!(who["role"], "pharmacist");

    // Userinfo naming another subject is not merged: refused.
    let login = start_login(&app, "/ui/").await;
    let mut c = good_claims(&rogue, &login);
    c.as_object_mut().unwrap().remove("roles");
    rogue.issue(
        "ui-2",
        jwt(&a, "a", &c),
        &login.challenge,
        Some(json!({"sub": "someone-else", "nhsid_useruid": "1",
                    "nhsid_nrbac_roles": [{"role_code": "R8003"}]})),
    );
    let r = callback(&app, &login, "ui-2").await;
    assert_eq!(r.status, 502, "{}", r.text());
    assert!(
        refusals(&app)
            .await
            .iter()
            .any(|d| d["reason"] == "userinfo")
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_state_is_bound_to_the_browser_and_next_to_the_ui() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let a = key("a", "a");
    let rogue = Rogue::start(&[&a]).await;
    let app = common::TestApp::start(oidc_config(&db, &rogue.issuer(), json!({}))).await;
    // Another browser (no login cookie) cannot finish this login.
    let login = start_login(&app, "/ui/").await;
    rogue.issue(
        "x",
        jwt(&a, "a", &good_claims(&rogue, &login)),
        &login.challenge,
        None,
    );
    let r = get(
        app.addr,
        &format!("/auth/callback?code=x&state={}", login.state),
        vec![],
    )
    .await;
    assert_refused(&app, &r, 400, "other_browser").await;
    // A script asking for JSON gets a problem naming the reason.
    let r = get(
        app.addr,
        "/auth/callback?code=x&state=never-issued",
        vec![("Accept".into(), "application/json".into())],
    )
    .await;
    r.assert_problem(400, "state_unknown");
    // An open redirect is not possible: next off the UI lands on /ui/.
    for next in [
        "//evil.example/ui/",
        "https%3A%2F%2Fevil.example%2F",
        "/v1/tokens",
    ] {
        let login = start_login(&app, next).await;
        let code = format!("n-{}", &login.state[..6]);
        rogue.issue(
            &code,
            jwt(&a, "a", &good_claims(&rogue, &login)),
            &login.challenge,
            None,
        );
        let r = callback(&app, &login, &code).await;
        assert_eq!(r.status, 303, "{}", r.text());
        assert_eq!(r.header("location"), Some("/ui/"), "next={next}");
    }
    // The provider's own refusal is shown in plain words and audited.
    let login = start_login(&app, "/ui/").await;
    let r = get(
        app.addr,
        &format!(
            "/auth/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&state={}",
            login.state
        ),
        vec![("Cookie".into(), format!("bedside_oidc={}", login.browser))],
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(r.text().contains("cancelled"), "{}", r.text());
    assert!(!r.text().contains("<b>no</b>"));
    assert!(
        refusals(&app)
            .await
            .iter()
            .any(|d| d["reason"] == "provider_error" && d["error"] == "access_denied")
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_down_at_start_fails_sign_in_closed_then_recovers() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    // A port with nothing listening: bind one and drop it.
    let gone = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let app = common::TestApp::start(oidc_config(&db, &format!("http://{gone}"), json!({}))).await;
    assert!(!app.state.oidc.as_ref().unwrap().discovered());
    let r = get(app.addr, "/auth/login", vec![]).await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(
        r.text().contains("cannot reach the sign-in service"),
        "{}",
        r.text()
    );
    assert!(
        refusals(&app)
            .await
            .iter()
            .any(|d| d["reason"] == "provider_unavailable")
    );
    // The API still answers (tokens are not the provider's).
    let health = get(app.addr, "/healthz", vec![]).await;
    assert_eq!(health.status, 200, "{}", health.text());
    app.stop().await;
}

/// The real provider (`service/ui-tests/oidc-peer.mjs`, npm `oidc-provider`), killed on drop.
struct Peer {
    child: std::process::Child,
    issuer: String,
    /// Kept open: the peer would die writing to a closed pipe.
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PEER_REDIRECT: &str = "http://127.0.0.1:8080/auth/callback";

/// Starts the peer, or says why it cannot (node or `npm ci` missing): a skip outside CI.
fn start_peer() -> Option<Peer> {
    use std::io::BufRead;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui-tests");
    let why = if !root
        .join("node_modules/oidc-provider/package.json")
        .exists()
    {
        Some(format!("run `npm ci` in {}", root.display()))
    } else {
        None
    };
    let child = match why {
        Some(w) => Err(w),
        None => std::process::Command::new("node")
            .arg("oidc-peer.mjs")
            .arg(PEER_REDIRECT)
            .arg("http://127.0.0.1:8080/auth/signed-out")
            .current_dir(&root)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("node not found ({e})")),
    };
    let mut child = match child {
        Ok(c) => c,
        Err(why) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "the OpenID provider peer cannot run: {why}"
            );
            eprintln!("skipped: the OpenID provider peer cannot run: {why}");
            return None;
        }
    };
    let mut line = String::new();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let issuer = line
        .trim()
        .strip_prefix("issuer ")
        .unwrap_or_else(|| panic!("the peer did not start: {line:?}"))
        .to_owned();
    Some(Peer {
        child,
        issuer,
        _stdout: stdout,
    })
}

/// Follows the provider's redirects and posts its development login (as `user`) and
/// consent forms, like a browser without script, until it sends the browser back to the
/// redirect URI; returns that URL.
async fn through_the_provider(authorize: &str, user: &str) -> url::Url {
    let ua = reqwest::Client::builder()
        .cookie_store(true)
        // A fresh connection per request: no race with the peer closing an idle one.
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut url = url::Url::parse(authorize).unwrap();
    let mut form: Option<Vec<(String, String)>> = None;
    for _ in 0..20 {
        let r = match form.take() {
            Some(f) => ua.post(url.clone()).form(&f).send().await.unwrap(),
            None => ua.get(url.clone()).send().await.unwrap(),
        };
        if r.status().is_redirection() {
            let loc = r.headers()["location"].to_str().unwrap().to_owned();
            url = url.join(&loc).unwrap();
            if url.as_str().starts_with(PEER_REDIRECT) {
                return url;
            }
            continue;
        }
        let status = r.status();
        let page = r.text().await.unwrap();
        assert_eq!(status, 200, "{page}");
        let action = page
            .split("action=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("no form on {url}: {page}"));
        url = url.join(action).unwrap();
        form = Some(if page.contains("name=\"login\"") {
            vec![
                ("prompt".into(), "login".into()),
                ("login".into(), user.into()),
                ("password".into(), "any".into()),
            ]
        } else {
            vec![("prompt".into(), "consent".into())]
        });
    }
    panic!("the provider never sent the browser back");
}

/// Signs `user` in through the real provider; the callback's answer.
async fn real_sign_in(app: &common::TestApp, user: &str) -> common::Resp {
    let login = start_login(app, "/ui/").await;
    let back = through_the_provider(login.authorize.as_str(), user).await;
    get(
        app.addr,
        &format!("/auth/callback?{}", back.query().unwrap()),
        vec![("Cookie".into(), format!("bedside_oidc={}", login.browser))],
    )
    .await
}

async fn real_provider(db: common::TestDb) {
    let Some(peer) = start_peer() else { return };
    let app = common::TestApp::start(oidc_config(
        &db,
        &peer.issuer,
        json!({"client_secret": "peer-secret", "redirect_uri": PEER_REDIRECT}),
    ))
    .await;
    for (user, name, role) in [
        ("nurse-ada", "Ada Okafor", "nurse"),
        ("pharm-ben", "Ben Adeyemi", "pharmacist"),
    ] {
        let r = real_sign_in(&app, user).await;
        assert_eq!(r.status, 303, "{}", r.text());
        assert_eq!(r.header("location"), Some("/ui/"));
        let who = me(
            &app,
            &cookie_value(set_cookie(&r, "bedside_session").unwrap()),
        )
        .await;
        assert_eq!(who["user"], user, "{who}");
        assert_eq!(who["display_name"], name);
        assert_eq!(who["role"], role);
    }
    // A person the provider knows but with no Bedside role is refused, naming the claim.
    let r = real_sign_in(&app, "porter-cal").await;
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("<code>porter</code>"), "{}", r.text());
    assert!(
        refusals(&app)
            .await
            .iter()
            .any(|d| d["reason"] == "no_mapped_role")
    );
    // Sign-out continues at the provider's end_session_endpoint.
    let end = app
        .state
        .provider_sign_out(None, &HeaderMap::new())
        .unwrap();
    assert!(
        end.starts_with(&format!("{}/session/end?", peer.issuer)),
        "{end}"
    );
    app.stop().await;
}
both_backends!(
    a_real_provider_signs_in_a_nurse_and_a_pharmacist,
    real_provider
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_the_provider_will_not_exchange_is_refused() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let a = key("a", "a");
    let rogue = Rogue::start(&[&a]).await;
    let app = common::TestApp::start(oidc_config(&db, &rogue.issuer(), json!({}))).await;
    // The provider holds the code for another PKCE challenge: our verifier does not match.
    let login = start_login(&app, "/ui/").await;
    rogue.issue(
        "stolen",
        jwt(&a, "a", &good_claims(&rogue, &login)),
        "another-logins-challenge",
        None,
    );
    let r = callback(&app, &login, "stolen").await;
    assert_refused(&app, &r, 502, "token_exchange").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_key_jwt_client_authentication() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let a = key("a", "a");
    let rogue = Rogue::start(&[&a]).await;
    let key_file = format!("{}/tests/peers/oidc-key-c.pem", env!("CARGO_MANIFEST_DIR"));
    let mut cfg = oidc_config(&db, &rogue.issuer(), json!({}));
    let o = cfg.oidc.as_mut().unwrap();
    o.client_secret = None;
    o.private_key_jwt = Some(bedside::config::PrivateKeyJwt {
        key_file: key_file.into(),
        kid: "rp-1".into(),
        alg: "RS256".into(),
    });
    let app = common::TestApp::start(cfg).await;
    let (_, r) = sign_in_with(&app, &rogue, &a, "a", |l| good_claims(&rogue, l)).await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(sessions(&app).await, 1);
    app.stop().await;
}
