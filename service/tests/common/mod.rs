//! Shared helpers for the service integration tests: real SQLite (temp dir) and real
//! PostgreSQL (one fresh database per test), the router served in-process on an
//! ephemeral loopback port, a tiny HTTP/1.1 client, and the demo data.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub mod contract;

use bedside::config::Config;
use bedside::server::AppState;
use serde_json::Value;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server URL, or `None` (skip) locally. Under CI a missing URL fails.
pub fn postgres_url() -> Option<String> {
    match std::env::var("BEDSIDE_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "BEDSIDE_TEST_POSTGRES_URL is not set but CI is: PostgreSQL tests must run in CI. \
                     Source .ci/postgres.sh (scripts/test.sh does) before cargo test."
                );
            }
            eprintln!(
                "\n!!!!! SKIPPING PostgreSQL part of this test: BEDSIDE_TEST_POSTGRES_URL is not set. \
                 Run `. .ci/postgres.sh` (or ./scripts/test.sh) to include it. !!!!!\n"
            );
            None
        }
    }
}

/// A fresh, empty PostgreSQL database on the test server; returns its URL.
pub async fn fresh_postgres_db(base: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("bedside_t_{}", bedside::crypto::random_hex(6).unwrap());
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(base)
        .await
        .expect("connect to the PostgreSQL test server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .expect("create test database");
    pool.close().await;
    let (prefix, _) = base.rsplit_once('/').expect("URL with a database name");
    format!("{prefix}/{name}")
}

/// A test database: its URL, and the temp dir that holds SQLite files.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    pub _dir: Option<tempdir::TempDir>,
}

/// Minimal temp-dir (no extra crate): removed on drop.
pub mod tempdir {
    use std::path::{Path, PathBuf};
    pub struct TempDir(PathBuf);
    impl TempDir {
        pub fn new(tag: &str) -> TempDir {
            let p = std::env::temp_dir().join(format!(
                "bedside-test-{tag}-{}",
                bedside::crypto::random_hex(6).unwrap()
            ));
            std::fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl TestDb {
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempdir::TempDir::new("sqlite");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("bedside.db").display()
                );
                Some(TestDb {
                    url,
                    backend,
                    _dir: Some(dir),
                })
            }
            Backend::Postgres => {
                let base = postgres_url()?;
                Some(TestDb {
                    url: fresh_postgres_db(&base).await,
                    backend,
                    _dir: None,
                })
            }
        }
    }

    pub fn config(&self) -> Config {
        Config {
            database_url: Some(self.url.clone()),
            listen: "127.0.0.1:0".into(),
            ..Config::default()
        }
    }
}

/// A running in-process service.
pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn start(cfg: Config) -> TestApp {
        let state = bedside::server::build_state(cfg)
            .await
            .expect("service state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let st = state.clone();
        let task = tokio::spawn(async move {
            let _ = bedside::server::serve_on(listener, st, async {
                let _ = rx.await;
            })
            .await;
        });
        TestApp {
            addr,
            state,
            stop: Some(tx),
            task: Some(task),
        }
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }

    /// Sends a request on a blocking thread (the client is synchronous).
    pub async fn req(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        ctype: Option<&str>,
        body: &[u8],
    ) -> Resp {
        let addr = self.addr;
        let (m, p, t, c, b) = (
            method.to_owned(),
            path.to_owned(),
            token.map(str::to_owned),
            ctype.map(str::to_owned),
            body.to_vec(),
        );
        tokio::task::spawn_blocking(move || http(addr, &m, &p, t.as_deref(), c.as_deref(), &b))
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, token: &str, body: &Value) -> Resp {
        self.req(
            "POST",
            path,
            Some(token),
            Some("application/json"),
            body.to_string().as_bytes(),
        )
        .await
    }

    pub async fn identify(&self, token: &str, scan: &str) -> Value {
        let r = self
            .post_json("/v1/identify", token, &serde_json::json!({ "scan": scan }))
            .await;
        assert_eq!(
            r.status,
            200,
            "identify answered {}: {}",
            r.status,
            r.text()
        );
        r.json()
    }

    /// Stores `o` as written at `created_ms`.
    pub async fn insert_order(&self, o: &bedside::demo::DemoOrder, created_ms: i64) {
        let mut conn = self.state.db.pool.acquire().await.unwrap();
        bedside::demo::insert_order(&mut conn, o, created_ms)
            .await
            .unwrap();
    }

    /// How many administrations are recorded against order `order_id`.
    pub async fn administrations(&self, order_id: &str) -> i64 {
        use sqlx::Row;
        sqlx::query("SELECT COUNT(*) FROM administrations WHERE order_id = $1")
            .bind(order_id)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    }

    pub async fn audit_rows(&self) -> i64 {
        use sqlx::Row;
        sqlx::query("SELECT COUNT(*) FROM audit")
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// Asserts an RFC 9457 problem with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text()
        );
        let j = self.json();
        assert_eq!(j["code"], code, "{j}");
        assert_eq!(j["status"], status, "{j}");
        assert!(
            j["type"]
                .as_str()
                .unwrap()
                .starts_with("urn:bedside:problem:")
        );
        assert!(j["title"].is_string());
    }
}

/// A minimal HTTP/1.1 client (Connection: close).
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    ctype: Option<&str>,
    body: &[u8],
) -> Resp {
    let mut headers = Vec::new();
    if let Some(t) = token {
        headers.push(("Authorization".to_owned(), format!("Bearer {t}")));
    }
    if let Some(c) = ctype {
        headers.push(("Content-Type".to_owned(), c.to_owned()));
    }
    http_with(addr, method, path, &headers, body)
}

/// [`http`] with any request headers (cookies, `Origin`, `X-CSRF-Token`).
pub fn http_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    // A server may answer (e.g. 413) before reading the whole body.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    let resp = Resp {
        status,
        headers,
        body,
    };
    contract::check(
        method,
        path,
        resp.status,
        resp.header("content-type"),
        &resp.body,
    );
    resp
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = b.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..end]).unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + size]);
        b = &b[end + 2 + size + 2..];
    }
    out
}

pub fn demo() -> bedside::demo::DemoData {
    bedside::demo::data()
}

/// A regular order of paracetamol 1 g by mouth for the first demo patient at `times`
/// (HH:MM, London), due within 60 minutes, with no interval or 24-hour limit.
pub fn paracetamol_order(id: &str, times: &str) -> bedside::demo::DemoOrder {
    bedside::demo::DemoOrder {
        id: id.into(),
        nhs_number: demo().patients[0].nhs_number.clone(),
        vmp_id: bedside::demo::PARACETAMOL_500_TABLETS.into(),
        dose_milli: 1_000_000,
        dose_unit: "mg".into(),
        route: "oral".into(),
        kind: "regular".into(),
        times: times.into(),
        window_minutes: 60,
        min_interval_minutes: 0,
        max_per_24h: 0,
        max_amount_24h_milli: None,
    }
}

/// The check of two 500 mg paracetamol tablets (the 1 g of [`paracetamol_order`]) by
/// mouth for the first demo patient against order `order`: batch PA2811, serial `serial`,
/// the first demo nurse's badge, no checker, location or override.
pub fn paracetamol_request(order: &str, serial: &str) -> bedside::medicines::AdministrationRequest {
    let d = demo();
    bedside::medicines::AdministrationRequest {
        patient_scan: d.patients[0].wristband_scan.clone(),
        product_scan: format!(
            "]d201{}1728123110PA2811\u{1d}21{serial}",
            d.medicines[0].gtin
        ),
        staff_scan: d.staff[0].badge_scan.clone(),
        checker_scan: None,
        location_scan: None,
        quantity: 2.0,
        route: "oral".into(),
        order_id: Some(order.into()),
        open_patient_nhs_number: None,
        override_reason: None,
    }
}

pub fn token(role: &str) -> String {
    bedside::demo::demo_token(role)
}

/// Runs `f` on SQLite, then on PostgreSQL when available.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
                $body(db).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = common::TestDb::new(common::Backend::Postgres).await {
                    $body(db).await;
                }
            }
        }
    };
}

/// Starts a `bedside serve --listen 127.0.0.1:0 …` command built by the caller, collects
/// its stderr in the background, and waits for the `bedside listening on http://ADDR`
/// line. Panics with the server's stderr when it does not start.
pub fn spawn_serve(
    mut cmd: std::process::Command,
) -> (
    std::process::Child,
    SocketAddr,
    std::sync::Arc<std::sync::Mutex<String>>,
) {
    use std::io::BufRead;
    use std::process::Stdio;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = stderr.clone();
    let mut err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = err.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let Some(addr) = line.trim().strip_prefix("bedside listening on http://") else {
        let _ = child.kill();
        std::thread::sleep(Duration::from_millis(200));
        panic!("serve did not start: {line:?}\n{}", stderr.lock().unwrap());
    };
    let addr = addr.parse().unwrap();
    (child, addr, stderr)
}

/// A PostgreSQL cluster of one test's own, so that the test can stop and start the server
/// under a running service without disturbing the shared test server. Built with the same
/// binaries and user as `.ci/postgres.sh` (which installed them). Stopped and removed on drop.
pub struct PrivatePostgres {
    pub url: String,
    dir: tempdir::TempDir,
    bindir: std::path::PathBuf,
    port: u16,
    user: Option<String>,
}

impl PrivatePostgres {
    /// `None` where the shared test server is not configured (locally; CI always has it).
    pub fn start() -> Option<PrivatePostgres> {
        postgres_url()?;
        let bindir = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL binaries under /usr/lib/postgresql (.ci/postgres.sh installs them)")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("pg_ctl").exists())
            .max()
            .expect("pg_ctl under /usr/lib/postgresql/*/bin");
        // PostgreSQL refuses to run as root: the same user as .ci/postgres.sh.
        let is_root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        let user = is_root.then(|| {
            let exists = |u: &str| {
                std::process::Command::new("id")
                    .arg(u)
                    .output()
                    .map(|o| o.status.success())
                    .unwrap_or(false)
            };
            if exists("postgres") {
                "postgres".to_owned()
            } else {
                assert!(exists("bedside-pg"), "no non-root user for PostgreSQL");
                "bedside-pg".to_owned()
            }
        });
        let dir = tempdir::TempDir::new("pg");
        if let Some(u) = &user {
            let ok = std::process::Command::new("chown")
                .arg(u)
                .arg(dir.path())
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown the cluster directory");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = PrivatePostgres {
            url: format!("postgres://bedside@127.0.0.1:{port}/postgres"),
            dir,
            bindir,
            port,
            user,
        };
        let data = pg.dir.path().join("data");
        let out = pg
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "bedside", "-A", "trust", "-E", "UTF8", "--no-locale"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        pg.start_again();
        Some(pg)
    }

    fn command(&self, tool: &str) -> std::process::Command {
        let exe = self.bindir.join(tool);
        match &self.user {
            Some(u) => {
                let mut c = std::process::Command::new("runuser");
                c.args(["-u", u, "--"]).arg(exe);
                c
            }
            None => std::process::Command::new(exe),
        }
    }

    fn pg_ctl(&self, args: &[&str]) {
        let data = self.dir.path().join("data");
        let out = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg_ctl {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the server (again), on the same port.
    pub fn start_again(&self) {
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories={} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        self.pg_ctl(&[
            "-l",
            &log.display().to_string(),
            "-w",
            "-t",
            "60",
            "-o",
            &opts,
            "start",
        ]);
    }

    /// Stops the server at once (`-m immediate`: connections are cut, as in a crash).
    pub fn stop(&self) {
        self.pg_ctl(&["-m", "immediate", "-w", "stop"]);
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

/// Sends one HL7 message over MLLP on a fresh connection and returns the ACK, which must
/// arrive whole within `limit` (the listener's answer follows the commit, so a test of a
/// refusing store allows for the store's own time limit).
pub async fn mllp_send(addr: SocketAddr, msg: &str, limit: Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tokio::time::timeout(limit, async {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut framed = vec![0x0b];
        framed.extend_from_slice(msg.as_bytes());
        framed.extend_from_slice(&[0x1c, 0x0d]);
        s.write_all(&framed).await.unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 1024];
        while !buf.windows(2).any(|w| w == [0x1c, 0x0d]) {
            let n = s.read(&mut chunk).await.unwrap();
            assert!(n > 0, "listener closed without an ACK");
            buf.extend_from_slice(&chunk[..n]);
        }
        String::from_utf8_lossy(&buf).into_owned()
    })
    .await
    .unwrap_or_else(|_| panic!("no ACK within {limit:?}"))
}
