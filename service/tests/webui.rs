//! The web UI against the real `bedside serve` binary (fresh temp data dir, demo data):
//! HTTP contract of the pages and assets (content types, caching, security headers,
//! `304 Not Modified`), then the end-to-end suite in headless Chromium
//! (`service/ui-tests/run.mjs`, playwright-core driving Debian's `/usr/bin/chromium`):
//! sign-in, keyboard-wedge scans with realistic timing (GS as Ctrl+], Alt+0029 and a
//! substitute), every identify status, refusal of typed/pasted/garbled input, stale and
//! superseded results, HID POS reports decoded by the JavaScript decoder exactly as the
//! Rust one decodes them, the medicines check (give, stop, warn with an override, record),
//! the patient's chart after the wristband scan (allergy statement first, orders, on hold,
//! the order the pack meets),
//! the audit view (then a tampered row shown as a broken chain), axe-core with no
//! violations, and the 320-pixel layout. The camera: Chromium's fake capture device plays
//! Y4M videos written here at test time from the demo wristband (`camera_videos`): the band
//! identifies the patient end to end (scan page) and fills the wristband slot (medicines
//! page); a video without it never produces a scan.
//!
//! Needs `node`, `service/ui-tests/node_modules` (`npm ci`, done by `scripts/test.sh`) and
//! Chromium. When one is missing the browser part fails under `CI` and skips loudly
//! otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bedside_scanner::decode::Aim;
use bedside_scanner::decode::hidpos::{HidPosDecoder, HidPosLayout, encode_reports};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_bedside");
/// The GS substitute the server is started with, so the suite can scan with it.
const GS_SUBSTITUTE: &str = "|";
/// The whole browser suite must finish in this time.
const SUITE_LIMIT: Duration = Duration::from_secs(300);

struct Server {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.join("data"))
            .args(["--gs-substitute", GS_SUBSTITUTE])
            .env_remove("BEDSIDE_DATABASE_URL")
            .env_remove("BEDSIDE_DATA_DIR")
            .env_remove("BEDSIDE_CONFIG")
            .env("BEDSIDE_LOG", "info");
        let (child, addr, stderr) = common::spawn_serve(cmd);
        Server {
            addr,
            child,
            stderr,
        }
    }

    fn get(&self, path: &str, headers: &[(&str, &str)]) -> common::Resp {
        raw_get(self.addr, "GET", path, headers)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET/HEAD with extra headers (the shared client has no header parameter).
fn raw_get(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> common::Resp {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let text = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    common::Resp {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn assert_common_headers(r: &common::Resp, what: &str) {
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{what}");
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
    // HSTS only over HTTPS (tests/tls.rs); never on plain HTTP.
    assert_eq!(r.header("strict-transport-security"), None, "{what}");
    let csp = r.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
}

/// Pages and assets: exact content types, revalidated caching with a strong ETag (and a
/// 304 for it), the strict page CSP (no inline script, same-origin only), security headers
/// on every answer, `/` redirecting to the scan page; API answers stay `no-store`.
fn http_contract(server: &Server) {
    let r = server.get("/", &[]);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/ui/scan"));
    assert_common_headers(&r, "/");
    assert_eq!(server.get("/ui", &[]).header("location"), Some("/ui/scan"));

    for a in bedside::server::ui::ASSETS {
        let r = server.get(a.path, &[]);
        assert_eq!(r.status, 200, "{}", a.path);
        assert_eq!(r.body, a.body, "{}", a.path);
        assert_eq!(r.header("content-type"), Some(a.content_type), "{}", a.path);
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{}", a.path);
        assert_common_headers(&r, a.path);
        let tag = r.header("etag").unwrap().to_owned();
        assert_eq!(tag, a.etag());
        let again = server.get(a.path, &[("If-None-Match", &tag)]);
        assert_eq!(again.status, 304, "{}", a.path);
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(tag.as_str()));
        let other = server.get(a.path, &[("If-None-Match", "\"0000\"")]);
        assert_eq!(other.status, 200, "{}", a.path);
        let head = raw_get(server.addr, "HEAD", a.path, &[]);
        assert_eq!(head.status, 200);
        assert!(head.body.is_empty());
        let csp = r.header("content-security-policy").unwrap();
        if a.is_page() {
            assert_eq!(csp, bedside::server::ui::PAGE_CSP);
            for must in [
                "default-src 'none'",
                "script-src 'self'",
                "connect-src 'self'",
                "base-uri 'none'",
                "require-trusted-types-for 'script'",
            ] {
                assert!(csp.contains(must), "{}: {csp}", a.path);
            }
            assert!(!csp.contains("unsafe"), "{}: {csp}", a.path);
            let permissions = r.header("permissions-policy").unwrap();
            assert!(permissions.contains("hid=(self)"), "{permissions}");
            // The camera button: this origin only; the microphone never.
            assert!(permissions.contains("camera=(self)"), "{permissions}");
            assert!(permissions.contains("microphone=()"), "{permissions}");
            let html = r.text();
            assert!(html.starts_with("<!doctype html>"), "{}", a.path);
            assert!(html.contains("<html lang=\"en-GB\">"), "{}", a.path);
            // No inline script and no inline style in any page: everything is a file.
            assert!(!html.contains("<script>"), "{}", a.path);
            assert!(!html.contains(" style=\""), "{}", a.path);
            assert!(
                !has_event_attribute(&html),
                "{}: inline event handler",
                a.path
            );
            assert!(!html.contains("//"), "{}: no external URLs", a.path);
        } else {
            assert_eq!(csp, bedside::server::ui::API_CSP, "{}", a.path);
        }
    }
    // No file is reachable that is not in the table.
    for p in [
        "/ui/assets/../../Cargo.toml",
        "/ui/assets/",
        "/ui/assets/app.css.map",
        "/ui/wristband",
        "/ui/scan/",
    ] {
        let r = server.get(p, &[]);
        assert_eq!(r.status, 404, "{p}");
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        assert_common_headers(&r, p);
    }
    // API answers keep no-store and carry the security headers too.
    let r = server.get("/healthz", &[]);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_common_headers(&r, "/healthz");
    let r = server.get("/v1/me", &[]);
    assert_eq!(r.status, 401);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_common_headers(&r, "/v1/me");
}

/// Whether HTML has an inline event handler attribute (` onclick="…"` and the like).
fn has_event_attribute(html: &str) -> bool {
    html.match_indices(" on").any(|(i, _)| {
        let rest = &html[i + 3..];
        let name: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
        !name.is_empty() && rest[name.len()..].trim_start().starts_with('=')
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// What the Rust decoder says after each operation, in the form the JavaScript suite
/// compares against: `none`, `frame <aim|-> <hex data>` or `error <Debug of the error>`.
fn rust_outcomes(ops: &[Value]) -> Vec<String> {
    let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
    ops.iter()
        .map(|op| {
            if op.get("abort").is_some() {
                return match d.abort() {
                    None => "none".to_owned(),
                    Some(e) => format!("error {e:?}"),
                };
            }
            let bytes: Vec<u8> = op["report"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| u8::try_from(b.as_u64().unwrap()).unwrap())
                .collect();
            match d.push(&bytes) {
                Ok(None) => "none".to_owned(),
                Ok(Some(f)) => format!(
                    "frame {} {}",
                    f.aim.map_or("-".to_owned(), |a| a.to_string()),
                    hex(&f.data)
                ),
                Err(e) => format!("error {e:?}"),
            }
        })
        .collect()
}

fn report(bytes: &[u8]) -> Value {
    json!({ "report": bytes })
}

/// HID POS byte fixtures: hand-made cases for every rule, then a long deterministic
/// stream of valid and mangled reports; each with the Rust decoder's answers.
fn hid_fixtures() -> Value {
    let l = HidPosLayout::STANDARD;
    let aim = |s: &str| Some(Aim::parse(s.as_bytes()).unwrap());
    let d = common::demo();
    let band = d.patients[0].wristband_scan.as_bytes()[3..].to_vec();
    let mut cases: Vec<(String, Vec<Value>)> = Vec::new();
    let reps = |a, data: &[u8]| -> Vec<Value> {
        encode_reports(&l, a, data)
            .iter()
            .map(|r| report(r))
            .collect()
    };
    cases.push(("one report ]C0".into(), reps(aim("]C0"), b"MRN1")));
    let mut two = reps(aim("]d2"), &band);
    two.insert(1, report(&[]));
    cases.push((
        "demo wristband over two reports, empty completion between".into(),
        two,
    ));
    cases.push((
        "Access-IS 60 bytes: 56 + 4".into(),
        reps(aim("]d2"), &[b'7'; 60]),
    ));
    let mut foreign = reps(aim("]d2"), &[b'1'; 70]);
    let mut f = vec![0u8; 64];
    f[0] = 4;
    foreign.insert(1, report(&f));
    cases.push(("foreign report in the middle is ignored".into(), foreign));
    cases.push(("short report".into(), vec![report(&[2, 1, 0])]));
    let mut bad_len = encode_reports(&l, aim("]C0"), b"AB").remove(0);
    bad_len[1] = 57;
    cases.push(("length over 56".into(), vec![report(&bad_len)]));
    let mut changed = encode_reports(&l, aim("]d2"), &[b'2'; 80]);
    changed[1][2..5].copy_from_slice(b"]C1");
    cases.push((
        "AIM changes mid-scan, rest discarded, next scan fine".into(),
        changed
            .iter()
            .map(|r| report(r))
            .chain(reps(aim("]C0"), b"NEXT"))
            .collect(),
    ));
    let mut bad_aim = encode_reports(&l, aim("]C0"), b"X").remove(0);
    bad_aim[2] = b'A';
    cases.push(("bad AIM flag".into(), vec![report(&bad_aim)]));
    let mut bad_code = encode_reports(&l, aim("]C0"), b"X").remove(0);
    bad_code[3] = b'1';
    cases.push(("bad AIM code".into(), vec![report(&bad_code)]));
    cases.push((
        "no AIM field, AIM inside the data".into(),
        reps(None, b"]d2010950600013435210AB"),
    ));
    cases.push(("no AIM at all".into(), reps(None, b"K1234567")));
    let mut cut = reps(aim("]d2"), &[b'5'; 100]);
    cut.truncate(1);
    cut.push(json!({ "abort": true }));
    cases.push(("continuation never comes: abort".into(), cut));
    cases.push((
        "too long (over 8192 bytes)".into(),
        reps(aim("]d2"), &vec![b'9'; 8232])
            .into_iter()
            .chain(reps(aim("]C0"), b"AFTER"))
            .collect(),
    ));

    // A long random stream (fixed seed): valid scans, some mangled at the bytes that
    // matter, truncated, interleaved with empty and foreign reports and aborts.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = move |n: u64| -> u64 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n.max(1)
    };
    let aims = [None, aim("]d2"), aim("]C1"), aim("]Q3"), aim("]E0")];
    let mut stream = Vec::new();
    for _ in 0..400 {
        let len = usize::try_from(rnd(170)).unwrap();
        let data: Vec<u8> = (0..len)
            .map(|_| u8::try_from(0x1d + rnd(0x7e - 0x1d)).unwrap())
            .collect();
        let a = aims[usize::try_from(rnd(aims.len() as u64)).unwrap()];
        for mut r in encode_reports(&l, a, &data) {
            match rnd(12) {
                0 => {
                    let at = [0usize, 1, 2, 3, 4, 63][usize::try_from(rnd(6)).unwrap()];
                    r[at] = u8::try_from(rnd(256)).unwrap();
                }
                1 => r.truncate(usize::try_from(rnd(64)).unwrap()),
                2 => stream.push(report(&[])),
                3 => stream.push(json!({ "abort": true })),
                4 => {
                    let mut f = vec![0u8; 64];
                    f[0] = u8::try_from(rnd(8)).unwrap();
                    stream.push(report(&f));
                }
                _ => {}
            }
            stream.push(report(&r));
        }
    }
    cases.push(("random stream".into(), stream));

    Value::Array(
        cases
            .into_iter()
            .map(|(name, ops)| {
                let expect = rust_outcomes(&ops);
                json!({ "name": name, "ops": ops, "expect": expect })
            })
            .collect(),
    )
}

/// `node`, the npm packages and Chromium, or why not.
fn browser_tools(root: &Path) -> Result<(PathBuf, PathBuf), String> {
    let node = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| format!("node not found ({e})"))?;
    if !node.status.success() {
        return Err("node --version failed".into());
    }
    if !root
        .join("node_modules/playwright-core/package.json")
        .exists()
        || !root.join("node_modules/axe-core/axe.min.js").exists()
    {
        return Err(format!(
            "npm packages missing: run `npm ci` in {} (scripts/test.sh does)",
            root.display()
        ));
    }
    let chromium = std::env::var_os("BEDSIDE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        return Err(format!(
            "{} not found: install Debian's chromium (.ci/apt.txt)",
            chromium.display()
        ));
    }
    Ok((PathBuf::from("node"), chromium))
}

/// One browser suite at a time: two Chromiums on two cores stretch the keystroke
/// timings the keyboard-wedge capture uses to tell a scanner from typing.
static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn run_suite(
    node: &Path,
    chromium: &Path,
    root: &Path,
    server: &Server,
    fixtures: &Path,
    phase: &str,
) {
    let _one = ONE_BROWSER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let start = Instant::now();
    let mut child = Command::new(node)
        .arg("run.mjs")
        .current_dir(root)
        .env("BEDSIDE_URL", format!("http://{}", server.addr))
        .env("BEDSIDE_CHROMIUM", chromium)
        .env("BEDSIDE_FIXTURES", fixtures)
        .env("BEDSIDE_GS_SUBSTITUTE", GS_SUBSTITUTE)
        .env("BEDSIDE_PHASE", phase)
        .env(
            "BEDSIDE_CAMERA_BAND",
            server_dir(fixtures).join("camera-band.y4m"),
        )
        .env(
            "BEDSIDE_CAMERA_EMPTY",
            server_dir(fixtures).join("camera-empty.y4m"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if start.elapsed() > SUITE_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = out_t.join().unwrap();
    let stderr = err_t.join().unwrap();
    println!("{stdout}");
    eprintln!("{stderr}");
    eprintln!(
        "browser suite ({phase}) took {:.1} s",
        start.elapsed().as_secs_f64()
    );
    match status {
        None => panic!(
            "browser suite ({phase}) exceeded {SUITE_LIMIT:?}\nserver log:\n{}",
            server.stderr.lock().unwrap()
        ),
        Some(st) if !st.success() => panic!(
            "browser suite ({phase}) failed ({st})\nserver log:\n{}",
            server.stderr.lock().unwrap()
        ),
        Some(_) => {}
    }
}

fn server_dir(fixtures: &Path) -> PathBuf {
    fixtures.parent().unwrap().to_path_buf()
}

/// Width and height of the fake camera's videos (the camera size the UI sends).
const CAM_W: usize = 640;
const CAM_H: usize = 480;

/// A cluttered greyscale scene (deterministic for `seed`): a lit gradient, ruled lines,
/// boxes and dark blobs like printed words, sensor noise.
fn scene(seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut rnd = move |n: usize| -> usize {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % (n.max(1) as u64)).unwrap()
    };
    let mut px: Vec<u8> = (0..CAM_W * CAM_H)
        .map(|i| {
            let (x, y) = (i % CAM_W, i / CAM_W);
            u8::try_from(140 + (60 * x / CAM_W) + (30 * y / CAM_H)).unwrap()
        })
        .collect();
    let fill = |px: &mut Vec<u8>, x0: usize, y0: usize, w: usize, h: usize, v: u8| {
        for y in y0..(y0 + h).min(CAM_H) {
            for x in x0..(x0 + w).min(CAM_W) {
                px[y * CAM_W + x] = v;
            }
        }
    };
    for _ in 0..8 {
        let y = rnd(CAM_H);
        fill(&mut px, 0, y, CAM_W, 1, 90);
    }
    for _ in 0..5 {
        let (x, y, w, h) = (rnd(CAM_W), rnd(CAM_H), 40 + rnd(200), 20 + rnd(120));
        fill(&mut px, x, y, w, 2, 60);
        fill(&mut px, x, y + h, w, 2, 60);
        fill(&mut px, x, y, 2, h, 60);
        fill(&mut px, x + w, y, 2, h + 2, 60);
    }
    // Lines of "print": short dark strokes in rows.
    for _ in 0..25 {
        let (x, y) = (rnd(CAM_W - 120), rnd(CAM_H - 10));
        let mut cx = x;
        while cx < x + 110 {
            let w = 2 + rnd(6);
            fill(
                &mut px,
                cx,
                y + rnd(3),
                w,
                5 + rnd(4),
                u8::try_from(20 + rnd(50)).unwrap(),
            );
            cx += w + 1 + rnd(4);
        }
    }
    for p in &mut px {
        *p = p
            .saturating_add(u8::try_from(rnd(7)).unwrap())
            .saturating_sub(3);
    }
    px
}

/// Writes a 10 frames/s YUV4MPEG2 (4:2:0, grey chroma) video of `frames`.
fn write_y4m(path: &Path, frames: &[Vec<u8>]) {
    let mut out = format!("YUV4MPEG2 W{CAM_W} H{CAM_H} F10:1 Ip A1:1 C420jpeg\n").into_bytes();
    for f in frames {
        out.extend_from_slice(b"FRAME\n");
        out.extend_from_slice(f);
        out.extend(std::iter::repeat_n(128u8, 2 * (CAM_W / 2) * (CAM_H / 2)));
    }
    std::fs::write(path, out).unwrap();
}

/// The fake camera's two videos, made from the demo wristband at test time (nothing
/// binary is committed): `camera-band.y4m`, the band's GS1 DataMatrix on a white label in
/// the cluttered scene, moving a little from frame to frame as a hand would; and
/// `camera-empty.y4m`, the same scene without it.
fn camera_videos(dir: &Path) {
    let scan = &common::demo().patients[0].wristband_scan;
    let text = format!("^{}", scan[3..].replace('\u{1d}', "^"));
    let msg = bedside_gs1::parse_unbracketed(&text).unwrap();
    let symbol = bedside_barcode::datamatrix::encode(&msg, &Default::default()).unwrap();
    let (sw, sh, spx) = symbol
        .matrix()
        .to_gray(&bedside_barcode::RenderOptions {
            module_px: 6,
            quiet_zone: Some(3),
        })
        .unwrap();
    let (sw, sh) = (sw as usize, sh as usize);
    let background = scene(7);
    let mut band = Vec::new();
    for i in 0..20usize {
        let mut f = background.clone();
        let (x0, y0) = (250 + (i * 3) % 14, 150 + (i * 5) % 12);
        for y in 0..sh {
            for x in 0..sw {
                f[(y0 + y) * CAM_W + x0 + x] = spx[y * sw + x].clamp(25, 235);
            }
        }
        band.push(f);
    }
    write_y4m(&dir.join("camera-band.y4m"), &band);
    let empty: Vec<Vec<u8>> = (0..20).map(|i| scene(7 + (i % 2))).collect();
    write_y4m(&dir.join("camera-empty.y4m"), &empty);
}

/// Alters an audit row behind the service's back (dropping the append-only trigger first).
fn tamper(db: &Path) {
    let url = format!("sqlite://{}", db.display());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            sqlx::any::install_default_drivers();
            let pool = sqlx::any::AnyPoolOptions::new()
                .max_connections(1)
                .connect(&url)
                .await
                .unwrap();
            sqlx::query("DROP TRIGGER audit_no_update")
                .execute(&pool)
                .await
                .unwrap();
            sqlx::query("UPDATE audit SET actor = 'token:someone-else' WHERE seq = 2")
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        });
}

#[test]
fn web_ui_end_to_end_in_headless_chromium() {
    let dir = common::tempdir::TempDir::new("webui");
    let server = Server::start(dir.path());
    http_contract(&server);

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui-tests");
    let (node, chromium) = match browser_tools(&root) {
        Ok(t) => t,
        Err(why) => {
            if std::env::var_os("CI").is_some() {
                panic!("the web UI browser tests must run in CI: {why}");
            }
            eprintln!(
                "\n!!!!! SKIPPING the web UI browser tests: {why}. \
                 Run ./scripts/test.sh (or install chromium and `npm ci` in service/ui-tests). !!!!!\n"
            );
            return;
        }
    };
    let fixtures = dir.path().join("fixtures.json");
    let body = json!({ "demo": common::demo(), "hid": hid_fixtures() });
    std::fs::write(&fixtures, body.to_string()).unwrap();
    camera_videos(dir.path());
    run_suite(&node, &chromium, &root, &server, &fixtures, "main");
    // Now alter a row behind the service's back: the audit view must say the chain is broken.
    tamper(&dir.path().join("data").join("bedside.db"));
    run_suite(&node, &chromium, &root, &server, &fixtures, "tampered");
}

/// The browser signs in through a real OpenID provider (`ui-tests/oidc-peer.mjs`, npm
/// `oidc-provider`), records a dose and signs out there too; the audit names the person.
#[test]
fn web_ui_signs_in_through_an_openid_provider() {
    use std::io::BufRead;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui-tests");
    let tools = browser_tools(&root).and_then(|t| {
        if root
            .join("node_modules/oidc-provider/package.json")
            .exists()
        {
            Ok(t)
        } else {
            Err(format!(
                "npm packages missing: run `npm ci` in {}",
                root.display()
            ))
        }
    });
    let (node, chromium) = match tools {
        Ok(t) => t,
        Err(why) => {
            if std::env::var_os("CI").is_some() {
                panic!("the OpenID browser test must run in CI: {why}");
            }
            eprintln!("\n!!!!! SKIPPING the OpenID browser test: {why} !!!!!\n");
            return;
        }
    };
    // The provider must know the redirect URI before the service starts: take a free port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut peer = Command::new(&node)
        .arg("oidc-peer.mjs")
        .arg(format!("{base}/auth/callback"))
        .arg(format!("{base}/auth/signed-out"))
        .current_dir(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut peer_out = std::io::BufReader::new(peer.stdout.take().unwrap());
    // Killed however the test ends (a failed assertion must not leave it running).
    let peer = KillOnDrop(peer);
    let mut line = String::new();
    peer_out.read_line(&mut line).unwrap();
    let issuer = line.trim().strip_prefix("issuer ").unwrap().to_owned();

    let dir = common::tempdir::TempDir::new("webui-oidc");
    let config = dir.path().join("config.json");
    std::fs::write(
        &config,
        json!({"oidc": {
            "issuer": issuer,
            "client_id": "bedside-ward",
            "client_secret": "peer-secret",
            "redirect_uri": format!("{base}/auth/callback"),
            "role_map": {"ward-nurse": "nurse", "pharmacy": "pharmacist"},
        }})
        .to_string(),
    )
    .unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args([
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
    ])
    .arg(dir.path().join("data"))
    .args(["--gs-substitute", GS_SUBSTITUTE])
    .arg("--config")
    .arg(&config)
    .env_remove("BEDSIDE_DATABASE_URL")
    .env_remove("BEDSIDE_DATA_DIR")
    .env_remove("BEDSIDE_CONFIG")
    .env("BEDSIDE_LOG", "info");
    let (child, addr, stderr) = common::spawn_serve(cmd);
    let server = Server {
        child,
        addr,
        stderr,
    };
    let fixtures = dir.path().join("fixtures.json");
    let body = json!({ "demo": common::demo(), "hid": hid_fixtures() });
    std::fs::write(&fixtures, body.to_string()).unwrap();
    run_suite(&node, &chromium, &root, &server, &fixtures, "oidc");

    // The audit names the person: the session, the recorded dose and the refusal.
    let db = dir.path().join("data").join("bedside.db");
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit WHERE actor = 'user:nurse-ada' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        actions.iter().any(|a| a == "session.started"),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a.starts_with("administration")),
        "{actions:?}"
    );
    assert!(actions.iter().any(|a| a == "session.ended"), "{actions:?}");
    let refused: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'auth.oidc_refused' AND detail LIKE '%no_mapped_role%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(refused, 1);
    drop(server);
    drop(peer);
}

/// A child process killed (and reaped) when dropped.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
