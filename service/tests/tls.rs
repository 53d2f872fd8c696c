//! HTTPS (rustls): the same API over TLS with a certificate from files, plain HTTP refused
//! on the TLS port, graceful stop; the command line insists on certificate and key together.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// PEM armour (RFC 7468) around DER, with a small base64 encoder.
fn pem(label: &str, der: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                b64.push('=');
            }
        }
    }
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

async fn https(addr: std::net::SocketAddr, roots: &rustls::RootCertStore, req: &str) -> String {
    let cfg = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots.clone())
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut tls = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    tls.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identify_over_https() {
    let dir = common::tempdir::TempDir::new("tls");
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, pem("CERTIFICATE", ck.cert.der())).unwrap();
    std::fs::write(&key, pem("PRIVATE KEY", &ck.signing_key.serialize_der())).unwrap();
    let tls = bedside::server::tls::load(&cert, &key).unwrap();
    assert!(
        bedside::server::tls::load(&key, &key).is_err(),
        "a key is not a certificate"
    );

    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let state = bedside::server::build_state(db.config()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(bedside::server::tls::serve_tls_on(
        listener,
        state,
        tls,
        async {
            let _ = stopped.await;
        },
    ));

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(ck.cert.der().to_vec()))
        .unwrap();
    let scan = common::demo().patients[0].wristband_scan.clone();
    let body = serde_json::json!({ "scan": scan }).to_string();
    let req = format!(
        "POST /v1/identify HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        common::token("nurse"),
        body.len()
    );
    let resp = https(addr, &roots, &req).await;
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains("\"status\":\"match\""), "{resp}");
    // HSTS on HTTPS answers, with the other security headers.
    let lower = resp.to_ascii_lowercase();
    assert!(
        lower.contains("\r\nstrict-transport-security: max-age=31536000\r\n"),
        "{resp}"
    );
    assert!(
        lower.contains("\r\nx-content-type-options: nosniff\r\n"),
        "{resp}"
    );
    let resp = https(
        addr,
        &roots,
        "GET /nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(
        resp.starts_with("HTTP/1.1 404") && resp.contains("application/problem+json"),
        "{resp}"
    );

    // Plain HTTP on the TLS port gets no HTTP answer.
    let plain = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(15)))
            .unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        buf
    })
    .await
    .unwrap();
    assert!(!plain.starts_with(b"HTTP/1.1 200"));

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[test]
fn tls_flags_come_together() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_bedside"))
        .args(["serve", "--tls-cert", "/nonexistent.pem"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let dir = common::tempdir::TempDir::new("tlsbad");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_bedside"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            "/nonexistent.pem",
            "--tls-key",
            "/nonexistent.key",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("TLS certificate"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
