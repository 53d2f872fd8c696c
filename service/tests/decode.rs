//! `POST /v1/decode` on SQLite and PostgreSQL: the demo patient's wristband as the service
//! renders it (`POST /v1/wristbands`, PNG), the same band as JPEG, and 640×480 camera-like
//! JPEG scenes with and without the band (made by `peers/camera_frames.py`, Pillow) are read
//! by the service's reader; what it reads is the band's scan, valid GS1, and identifies the
//! patient. A blank frame answers no symbols. Oversize 413, wrong type 415, undecodable or
//! mislabelled 422, wrong role 403, no token 401. Decoding adds nothing to the audit trail,
//! and the real binary's log (at debug level) holds neither the frame nor what it read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

const PEER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peers/camera_frames.py");

/// Runs the frame peer; panics with its error (python3 with Pillow and numpy is a test
/// requirement, `.ci/requirements.txt`).
fn peer(args: &[&str]) {
    let out = Command::new("python3")
        .arg(PEER)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}): install it and `pip install -r .ci/requirements.txt`")
        });
    assert!(
        out.status.success(),
        "camera_frames.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A file written by the peer, read back.
fn made(dir: &Path, name: &str, args: &[&str]) -> Vec<u8> {
    let out = dir.join(name);
    let mut all = vec![args[0], out.to_str().unwrap()];
    all.extend_from_slice(&args[1..]);
    if args[0] == "convert" {
        // convert IN OUT: the input comes before the output.
        all = vec!["convert", args[1], out.to_str().unwrap()];
        all.extend_from_slice(&args[2..]);
    }
    peer(&all);
    std::fs::read(out).unwrap()
}

/// The demo patient's band as a bare Data Matrix PNG (4 px modules), for scenes.
fn symbol_png(dir: &Path, scan: &str) -> String {
    let data = &scan[3..];
    let text = format!("^{}", data.replace('\u{1d}', "^"));
    let msg =
        bedside_gs1::parse_unbracketed(&text).unwrap_or_else(|e| panic!("demo band is GS1: {e}"));
    let png = bedside_barcode::datamatrix::encode(&msg, &Default::default())
        .unwrap()
        .to_png(&bedside_barcode::RenderOptions {
            module_px: 4,
            quiet_zone: None,
        })
        .unwrap();
    let path = dir.join("symbol.png");
    std::fs::write(&path, png).unwrap();
    path.to_str().unwrap().to_owned()
}

async fn frame(app: &common::TestApp, token: &str, ctype: &str, body: &[u8]) -> common::Resp {
    app.req("POST", "/v1/decode", Some(token), Some(ctype), body)
        .await
}

/// The GS1 symbols of a 200 answer, each checked for shape.
fn gs1_scans(r: &common::Resp) -> Vec<String> {
    assert_eq!(r.status, 200, "{}", r.text());
    let timing = r.header("server-timing").unwrap_or_default();
    assert!(
        timing.contains("decode;dur=") && timing.contains("total;dur="),
        "{timing}"
    );
    let j = r.json();
    j["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["gs1"] == true)
        .map(|s| {
            assert_eq!(s["gs1_error"], Value::Null, "{s}");
            let aim = s["aim"].as_str().unwrap();
            let data = s["data"].as_str().unwrap();
            assert_eq!(s["scan"].as_str().unwrap(), format!("{aim}{data}"));
            assert!(s["hri"].as_str().unwrap().starts_with("(8018)"), "{s}");
            let corners = s["position"].as_array().map_or(0, Vec::len);
            assert!(corners >= 2, "a Data Matrix read has its outline: {s}");
            s["scan"].as_str().unwrap().to_owned()
        })
        .collect()
}

async fn decode_frames(db: common::TestDb) {
    let dir = common::tempdir::TempDir::new("decode");
    let app = common::TestApp::start(db.config()).await;
    let (nurse, admissions, pharmacist) = (
        common::token("nurse"),
        common::token("admissions"),
        common::token("pharmacist"),
    );
    let p = &common::demo().patients[0];

    // The band exactly as the service renders it for printing.
    let r = app
        .post_json(
            "/v1/wristbands",
            &admissions,
            &json!({"nhs_number": p.nhs_number, "hospital_number": p.mrn, "format": "png"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let band_png = r.body;
    let rows = app.audit_rows().await;

    let r = frame(&app, &nurse, "image/png", &band_png).await;
    let scans = gs1_scans(&r);
    assert!(!scans.is_empty(), "the band PNG is read: {}", r.text());
    assert!(scans.iter().all(|s| *s == p.wristband_scan), "{scans:?}");
    assert_eq!(r.json()["symbols"][0]["aim"], "]d2");
    assert_eq!(r.json()["symbols"][0]["data"], p.wristband_scan[3..]);

    // The same band as JPEG, and from the other roles of the camera pages.
    let band_path = dir.path().join("band.png");
    std::fs::write(&band_path, &band_png).unwrap();
    let jpeg = made(
        dir.path(),
        "band.jpg",
        &["convert", band_path.to_str().unwrap(), "--quality", "85"],
    );
    assert!(jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
    for token in [&nurse, &pharmacist, &admissions] {
        let r = frame(&app, token, "image/jpeg", &jpeg).await;
        assert_eq!(
            gs1_scans(&r),
            vec![p.wristband_scan.clone()],
            "{}",
            r.text()
        );
    }

    // What the camera read is the scan the scanner would send: it identifies the patient.
    let id = app.identify(&nurse, &scans[0]).await;
    assert_eq!(id["status"], "match", "{id}");
    assert_eq!(id["patient"]["nhs_number"], p.nhs_number);
    let rows_after_identify = rows + 1;

    // 640×480 camera scenes: the band in clutter is read; clutter alone reads nothing GS1.
    let symbol = symbol_png(dir.path(), &p.wristband_scan);
    let mut read = 0;
    for seed in 1..=4u32 {
        let s = seed.to_string();
        let with = made(
            dir.path(),
            &format!("with{seed}.jpg"),
            &["scene", "--seed", &s, "--symbol", &symbol],
        );
        let r = frame(&app, &nurse, "image/jpeg", &with).await;
        let got = gs1_scans(&r);
        assert!(got.iter().all(|g| *g == p.wristband_scan), "{got:?}");
        read += usize::from(!got.is_empty());
        assert_eq!(r.json()["width"], 640);
        assert_eq!(r.json()["height"], 480);
        let without = made(
            dir.path(),
            &format!("without{seed}.jpg"),
            &["scene", "--seed", &s],
        );
        let r = frame(&app, &nurse, "image/jpeg", &without).await;
        assert!(
            gs1_scans(&r).is_empty(),
            "no band, no GS1 read: {}",
            r.text()
        );
    }
    assert!(
        read >= 3,
        "the band in a cluttered scene is read in most frames ({read}/4)"
    );

    // A blank frame: no symbols at all.
    let blank = made(dir.path(), "blank.png", &["blank"]);
    let r = frame(&app, &nurse, "image/png", &blank).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["symbols"], json!([]));
    assert_eq!(r.json()["timed_out"], false);

    // Refusals, each a problem naming why.
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(2 * 1024 * 1024 + 1, 0);
    frame(&app, &nurse, "image/jpeg", &big)
        .await
        .assert_problem(413, "payload_too_large");
    let mut exact = jpeg.clone();
    exact.resize(2 * 1024 * 1024, 0); // trailing bytes after EOI: a decoder ignores them
    assert_eq!(frame(&app, &nurse, "image/jpeg", &exact).await.status, 200);
    for ctype in ["image/gif", "application/json", "application/octet-stream"] {
        frame(&app, &nurse, ctype, &jpeg)
            .await
            .assert_problem(415, "unsupported_media_type");
    }
    let r = app
        .req("POST", "/v1/decode", Some(&nurse), None, &jpeg)
        .await;
    r.assert_problem(415, "unsupported_media_type");
    let r = frame(
        &app,
        &nurse,
        "image/jpeg",
        b"this is not a picture of anything",
    )
    .await;
    r.assert_problem(422, "unreadable_frame");
    assert!(
        r.json()["detail"].as_str().unwrap().contains("image/jpeg"),
        "{}",
        r.text()
    );
    let r = frame(&app, &nurse, "image/png", &jpeg).await;
    r.assert_problem(422, "unreadable_frame");
    let mut cut = band_png.clone();
    cut.truncate(200);
    let r = frame(&app, &nurse, "image/png", &cut).await;
    r.assert_problem(422, "unreadable_frame");
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("cannot be decoded"),
        "{}",
        r.text()
    );
    frame(&app, &nurse, "image/png", b"")
        .await
        .assert_problem(422, "unreadable_frame");
    for role in ["admin", "integrator"] {
        frame(&app, &common::token(role), "image/png", &band_png)
            .await
            .assert_problem(403, "forbidden");
    }
    app.req("POST", "/v1/decode", None, Some("image/png"), &band_png)
        .await
        .assert_problem(401, "unauthorized");

    // Decoding is not a scan: only the identify above reached the audit trail.
    assert_eq!(app.audit_rows().await, rows_after_identify);
    let metrics = app.req("GET", "/metrics", None, None, b"").await.text();
    assert!(
        metrics.contains("bedside_decode_frames_total{outcome=\"gs1\"}"),
        "{metrics}"
    );
    app.stop().await;
}

both_backends!(decode_frames_read_and_refused, decode_frames);

/// The real binary at debug log level: after frames are read, neither the frame's bytes nor
/// anything read from them (the band's data, the patient's NHS number) is in the log, and
/// the data directory holds no copy of the frame.
#[test]
fn frames_never_reach_the_log_or_the_disk() {
    let dir = common::tempdir::TempDir::new("decode-log");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bedside"));
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .env_remove("BEDSIDE_DATABASE_URL")
        .env_remove("BEDSIDE_DATA_DIR")
        .env_remove("BEDSIDE_CONFIG")
        .env("BEDSIDE_LOG", "debug");
    let (mut child, addr, stderr) = common::spawn_serve(cmd);
    let p = &common::demo().patients[0];
    let symbol = symbol_png(dir.path(), &p.wristband_scan);
    let png = std::fs::read(&symbol).unwrap();
    let r = common::http(
        addr,
        "POST",
        "/v1/decode",
        Some(&common::token("nurse")),
        Some("image/png"),
        &png,
    );
    assert_eq!(gs1_scans(&r), vec![p.wristband_scan.clone()]);
    let scene = made(
        dir.path(),
        "scene.jpg",
        &["scene", "--seed", "9", "--symbol", &symbol],
    );
    let r = common::http(
        addr,
        "POST",
        "/v1/decode",
        Some(&common::token("nurse")),
        Some("image/jpeg"),
        &scene,
    );
    assert_eq!(r.status, 200);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let _ = child.kill();
    let _ = child.wait();
    let log = stderr.lock().unwrap().clone();
    assert!(
        log.contains("/v1/decode"),
        "the request line is logged: {log}"
    );
    let data = &p.wristband_scan[3..];
    let gsrn = &data[4..22];
    for secret in [data, gsrn, p.nhs_number.as_str(), "\u{1d}"] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
    // No bytes of either frame anywhere in the data directory.
    let needle = &png[png.len() / 2..png.len() / 2 + 32];
    let needle2 = &scene[scene.len() / 2..scene.len() / 2 + 32];
    for entry in std::fs::read_dir(dir.path().join("data")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        for n in [needle, needle2] {
            assert!(
                !bytes.windows(n.len()).any(|w| w == n),
                "a frame was stored"
            );
        }
    }
}
