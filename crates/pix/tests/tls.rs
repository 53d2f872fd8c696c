//! MLLP over TLS (feature `tls`) on real loopback sockets, with a throwaway CA and server
//! certificate generated at test time (rcgen, ring). Proves:
//! - the ITI-9 client completes a query over TLS to an in-test tokio-rustls PIX Manager
//!   (answers RSP^K23 built with the crate's own ER7 encoder) and gets `found`;
//! - an untrusted server certificate, a hostname mismatch and a plaintext server are all
//!   `unavailable` (never a match), within the configured connect timeout, and the manager
//!   never receives a query on those connections;
//! - `MllpListener` with TLS ACKs (AA) an ADT^A01 from a TLS client, refuses a plaintext
//!   client (no ACK, no event) and keeps serving TLS clients afterwards.
#![cfg(all(feature = "net", feature = "tls"))]
#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use bedside_pix::client::{AttemptError, PixClient, PixError};
use bedside_pix::domain::{Domain, PixQuery};
use bedside_pix::er7::{Message, OwnedField, OwnedMessage, OwnedSegment, Separators};
use bedside_pix::feed::{FeedEvent, Trigger};
use bedside_pix::mllp::{self, Decoder};
use bedside_pix::net::{Delivery, ListenerConfig, MllpClient, MllpConfig, MllpListener, MllpTls};
use bedside_pix::outcome::{OutcomeKind, PixOutcome};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const NHS_NUMBER: &str = "9990001235";
const NHS_OID: &str = "2.16.840.1.113883.2.1.4.1";
const CONNECT_TIMEOUT: Duration = Duration::from_millis(1500);
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(1500);

// ---------------------------------------------------------------------------------------
// Throwaway PKI
// ---------------------------------------------------------------------------------------

/// A certificate authority that lives only for one test.
struct Ca {
    issuer: Issuer<'static, KeyPair>,
    der: CertificateDer<'static>,
}

impl Ca {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let der = params.self_signed(&key).unwrap().der().clone();
        Self {
            issuer: Issuer::new(params, key),
            der,
        }
    }

    /// A server certificate for `names` (DNS names or IP addresses) signed by this CA:
    /// the chain to present and its private key.
    fn server(&self, names: &[&str]) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "bedside test PIX manager");
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (
            vec![cert.der().clone()],
            PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
        )
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn server_config(
    (chain, key): (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>),
) -> Arc<rustls::ServerConfig> {
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap(),
    )
}

/// A client configuration that trusts only `ca` (no webpki roots).
fn client_config(ca: &Ca) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.der.clone()).unwrap();
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

// ---------------------------------------------------------------------------------------
// In-test PIX Manager (ITI-9 responder)
// ---------------------------------------------------------------------------------------

fn mrn_domain() -> Domain {
    let mut d = Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO").unwrap();
    d.type_code = "MR".into();
    d
}

fn query() -> PixQuery {
    PixQuery::nhs_number_for("K1234567", mrn_domain())
}

/// RSP^K23 for a QBP^Q23, built with the crate's ER7 encoder: MSA-2 = MSH-10, QAK-1 =
/// QPD-2, the QPD echoed, and one NHS number in PID-3.
fn respond(query: &[u8]) -> Vec<u8> {
    let m = Message::parse(query).unwrap();
    assert_eq!(m.message_type().0, "QBP", "not a PIX query");
    let ctrl = m.control_id().unwrap().into_owned();
    let tag = m
        .segment("QPD")
        .unwrap()
        .field(2)
        .text()
        .unwrap()
        .into_owned();
    let qpd = m
        .to_owned_message()
        .unwrap()
        .segments
        .into_iter()
        .find(|s| s.id == "QPD")
        .unwrap();
    let msh = m.msh();
    let text = |n: usize| msh.field(n).text().unwrap().into_owned();
    let pid3 = OwnedField {
        repetitions: vec![vec![
            vec![NHS_NUMBER.into()],
            vec![String::new()],
            vec![String::new()],
            vec!["NHS".into(), NHS_OID.into(), "ISO".into()],
            vec!["NH".into()],
        ]],
    };
    let rsp = OwnedMessage {
        segments: vec![
            OwnedSegment::new("MSH")
                .with(3, OwnedField::text("PIX_MGR"))
                .with(4, OwnedField::text("HIE"))
                .with(5, OwnedField::text(&text(3)))
                .with(6, OwnedField::text(&text(4)))
                .with(7, OwnedField::text("20250314101501+0000"))
                .with(9, OwnedField::components(&["RSP", "K23", "RSP_K23"]))
                .with(10, OwnedField::text("HIE-TLS-1"))
                .with(11, OwnedField::text("P"))
                .with(12, OwnedField::text("2.5")),
            OwnedSegment::new("MSA")
                .with(1, OwnedField::text("AA"))
                .with(2, OwnedField::text(&ctrl)),
            OwnedSegment::new("QAK")
                .with(1, OwnedField::text(&tag))
                .with(2, OwnedField::text("OK")),
            qpd,
            OwnedSegment::new("PID").with(3, pid3),
        ],
    };
    mllp::encode(&rsp.encode(&Separators::default())).unwrap()
}

/// Answers every MLLP frame on `s` until EOF; counts the queries answered.
async fn serve_iti9<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, answered: &AtomicUsize) {
    let mut d = Decoder::new(mllp::DEFAULT_MAX_FRAME);
    let mut buf = vec![0u8; 8192];
    loop {
        while let Some(Ok(f)) = d.pop() {
            let reply = respond(&f);
            answered.fetch_add(1, Ordering::SeqCst);
            if s.write_all(&reply).await.is_err() || s.flush().await.is_err() {
                return;
            }
        }
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => d.push(&buf[..n]),
        }
    }
}

/// A PIX Manager on loopback. `tls: None` is a plaintext MLLP manager.
struct Manager {
    addr: String,
    /// TLS handshakes that completed on the manager side.
    handshakes: Arc<AtomicUsize>,
    /// Queries answered.
    answered: Arc<AtomicUsize>,
}

async fn manager(tls: Option<Arc<rustls::ServerConfig>>) -> Manager {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let handshakes = Arc::new(AtomicUsize::new(0));
    let answered = Arc::new(AtomicUsize::new(0));
    let (h, a) = (handshakes.clone(), answered.clone());
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = l.accept().await else {
                return;
            };
            let _ = tcp.set_nodelay(true);
            let (h, a, tls) = (h.clone(), a.clone(), tls.clone());
            tokio::spawn(async move {
                match tls {
                    Some(cfg) => {
                        // A failed handshake just drops the connection.
                        if let Ok(s) = tokio_rustls::TlsAcceptor::from(cfg).accept(tcp).await {
                            h.fetch_add(1, Ordering::SeqCst);
                            serve_iti9(s, &a).await;
                        }
                    }
                    None => serve_iti9(tcp, &a).await,
                }
            });
        }
    });
    Manager {
        addr,
        handshakes,
        answered,
    }
}

/// A plaintext server that talks first: it writes an MLLP frame as soon as a client
/// connects (so a TLS client reads non-TLS bytes during its handshake).
async fn chatty_plaintext_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        loop {
            let Ok((mut tcp, _)) = l.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let hello = mllp::encode(
                    b"MSH|^~\\&|PIX_MGR|HIE|||20250314101501||ACK|X|P|2.5\rMSA|AA|X\r",
                )
                .unwrap();
                let _ = tcp.write_all(&hello).await;
                let mut sink = vec![0u8; 4096];
                while let Ok(n) = tcp.read(&mut sink).await {
                    if n == 0 {
                        return;
                    }
                }
            });
        }
    });
    addr
}

fn client(addr: &str, tls: MllpTls) -> MllpClient {
    let mut c = MllpConfig::new(addr);
    c.connect_timeout = CONNECT_TIMEOUT;
    c.response_timeout = RESPONSE_TIMEOUT;
    c.breaker_threshold = 100;
    c.tls = Some(tls);
    MllpClient::new(c)
}

fn tls_to(ca: &Ca, server_name: &str) -> MllpTls {
    MllpTls {
        config: client_config(ca),
        server_name: server_name.into(),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The query must end as `unavailable`: both attempts (first and fresh retry) failed while
/// connecting (TCP + TLS handshake), within the connect timeout each. Returns the errors.
async fn assert_unavailable(c: &MllpClient, what: &str) -> (AttemptError, AttemptError) {
    let started = Instant::now();
    let r: Result<PixOutcome, PixError> = c.query(&query()).await;
    let elapsed = started.elapsed();
    assert!(
        elapsed < CONNECT_TIMEOUT * 2 + Duration::from_secs(1),
        "{what}: took {elapsed:?}, more than two connect timeouts"
    );
    match r {
        Ok(o) => panic!(
            "{what}: expected unavailable, got outcome {} ({o:?})",
            o.kind()
        ),
        Err(PixError::CannotConfirm {
            first,
            retry: Some(retry),
            ..
        }) => {
            for e in [&first, &retry] {
                assert!(
                    matches!(e, AttemptError::Connect(_) | AttemptError::ConnectTimeout),
                    "{what}: expected a connect/handshake failure, got {e}"
                );
            }
            assert_eq!(
                c.idle_connections(),
                0,
                "{what}: a failed connection was pooled"
            );
            (first, retry)
        }
        Err(e) => panic!("{what}: expected CannotConfirm, got {e}"),
    }
}

// ---------------------------------------------------------------------------------------
// Client tests
// ---------------------------------------------------------------------------------------

#[test]
fn tls_query_finds_the_nhs_number() {
    let ca = Ca::new("bedside test CA");
    let rt = rt();
    rt.block_on(async {
        let m = manager(Some(server_config(ca.server(&["localhost", "127.0.0.1"])))).await;

        // Verified against the DNS name.
        let c = client(&m.addr, tls_to(&ca, "localhost"));
        for round in 0..2 {
            let o = c.query(&query()).await.unwrap();
            assert_eq!(o.kind(), OutcomeKind::Found, "round {round}: {o:?}");
            assert!(o.is_match());
            assert_eq!(o.nhs_number(), Some(NHS_NUMBER));
            // The TLS connection went back to the pool and was reused for round 2.
            assert_eq!(c.idle_connections(), 1);
        }
        assert_eq!(
            m.handshakes.load(Ordering::SeqCst),
            1,
            "pooled TLS connection reused"
        );
        assert_eq!(m.answered.load(Ordering::SeqCst), 2);

        // Verified against the IP address SAN.
        let by_ip = client(&m.addr, tls_to(&ca, "127.0.0.1"));
        let o = by_ip.query(&query()).await.unwrap();
        assert_eq!(o.nhs_number(), Some(NHS_NUMBER));
        assert_eq!(m.handshakes.load(Ordering::SeqCst), 2);
    });
}

#[test]
fn untrusted_server_certificate_is_unavailable() {
    let trusted = Ca::new("bedside test CA");
    let rogue = Ca::new("rogue CA");
    let rt = rt();
    rt.block_on(async {
        // Right names, wrong issuer.
        let m = manager(Some(server_config(
            rogue.server(&["localhost", "127.0.0.1"]),
        )))
        .await;
        let c = client(&m.addr, tls_to(&trusted, "localhost"));
        let (first, retry) = assert_unavailable(&c, "rogue CA").await;
        // A handshake failure (bad certificate), not a timeout.
        assert_eq!(
            first,
            AttemptError::Connect(std::io::ErrorKind::InvalidData)
        );
        assert_eq!(
            retry,
            AttemptError::Connect(std::io::ErrorKind::InvalidData)
        );

        // A self-signed server certificate for the right name is not trusted either.
        let selfsigned = {
            let key = KeyPair::generate().unwrap();
            let cert = CertificateParams::new(vec!["localhost".to_owned()])
                .unwrap()
                .self_signed(&key)
                .unwrap();
            (
                vec![cert.der().clone()],
                PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
            )
        };
        let m2 = manager(Some(server_config(selfsigned))).await;
        let c2 = client(&m2.addr, tls_to(&trusted, "localhost"));
        let (first, _) = assert_unavailable(&c2, "self-signed").await;
        assert_eq!(
            first,
            AttemptError::Connect(std::io::ErrorKind::InvalidData)
        );

        for m in [&m, &m2] {
            assert_eq!(m.handshakes.load(Ordering::SeqCst), 0);
            assert_eq!(
                m.answered.load(Ordering::SeqCst),
                0,
                "a query leaked to an untrusted server"
            );
        }
    });
}

#[test]
fn hostname_mismatch_is_unavailable() {
    let ca = Ca::new("bedside test CA");
    let rt = rt();
    rt.block_on(async {
        // Trusted issuer, but issued to another host.
        let m = manager(Some(server_config(ca.server(&["pix.other.example"])))).await;
        let c = client(&m.addr, tls_to(&ca, "localhost"));
        let (first, retry) = assert_unavailable(&c, "hostname mismatch").await;
        assert_eq!(
            first,
            AttemptError::Connect(std::io::ErrorKind::InvalidData)
        );
        assert_eq!(
            retry,
            AttemptError::Connect(std::io::ErrorKind::InvalidData)
        );

        // And the converse: a good localhost certificate, but we expect another name.
        let m2 = manager(Some(server_config(ca.server(&["localhost", "127.0.0.1"])))).await;
        let c2 = client(&m2.addr, tls_to(&ca, "pix.hie.example.nhs.uk"));
        let (first, _) = assert_unavailable(&c2, "expected another name").await;
        assert_eq!(
            first,
            AttemptError::Connect(std::io::ErrorKind::InvalidData)
        );

        for m in [&m, &m2] {
            assert_eq!(
                m.answered.load(Ordering::SeqCst),
                0,
                "a query leaked to the wrong host"
            );
        }
    });
}

#[test]
fn plaintext_server_is_unavailable() {
    let ca = Ca::new("bedside test CA");
    let rt = rt();
    rt.block_on(async {
        // A plaintext MLLP PIX Manager that would answer `found` to a plaintext query: it
        // never sees one, because the ClientHello is not an MLLP frame it answers.
        let m = manager(None).await;
        let c = client(&m.addr, tls_to(&ca, "localhost"));
        assert_unavailable(&c, "silent plaintext server").await;
        assert_eq!(m.answered.load(Ordering::SeqCst), 0);

        // A plaintext server that speaks first: its bytes are not TLS, the handshake fails.
        let addr = chatty_plaintext_server().await;
        let c2 = client(&addr, tls_to(&ca, "localhost"));
        let (first, retry) = assert_unavailable(&c2, "chatty plaintext server").await;
        assert_eq!(
            first,
            AttemptError::Connect(std::io::ErrorKind::InvalidData)
        );
        assert_eq!(
            retry,
            AttemptError::Connect(std::io::ErrorKind::InvalidData)
        );
    });
}

// ---------------------------------------------------------------------------------------
// Listener tests
// ---------------------------------------------------------------------------------------

fn adt_a01(ctrl: &str) -> Vec<u8> {
    let msg = format!(
        "MSH|^~\\&|PAS|RXX|BEDSIDE_PPID|BEDSIDE|20250314101500||ADT^A01^ADT_A01|{ctrl}|P|2.5\r\
         EVN|A01|20250314101500\r\
         PID|||K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR~{NHS_NUMBER}^^^NHS&{NHS_OID}&ISO^NH||SMITH^JOHN\r\
         PV1||I\r"
    );
    mllp::encode(msg.as_bytes()).unwrap()
}

/// Sends one frame and reads one frame back.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(s: &mut S, frame: &[u8]) -> Vec<u8> {
    s.write_all(frame).await.unwrap();
    s.flush().await.unwrap();
    let mut d = Decoder::new(mllp::DEFAULT_MAX_FRAME);
    let mut buf = vec![0u8; 8192];
    loop {
        if let Some(f) = d.pop() {
            return f.unwrap();
        }
        let n = s.read(&mut buf).await.unwrap();
        assert!(n > 0, "connection closed before the ACK");
        d.push(&buf[..n]);
    }
}

async fn tls_feed(addr: &str, ca: &Ca, ctrl: &str) -> Vec<u8> {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let mut s = tokio_rustls::TlsConnector::from(client_config(ca))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    let ack = exchange(&mut s, &adt_a01(ctrl)).await;
    let _ = s.shutdown().await;
    ack
}

fn assert_aa(ack: &[u8], ctrl: &str) {
    let m = Message::parse(ack).unwrap();
    assert_eq!(
        m.message_type(),
        ("ACK", "A01", "ACK"),
        "{}",
        String::from_utf8_lossy(ack)
    );
    let msa = m.segment("MSA").unwrap();
    assert_eq!(
        msa.field(1).as_str(),
        "AA",
        "{}",
        String::from_utf8_lossy(ack)
    );
    assert_eq!(msa.field(2).as_str(), ctrl);
}

#[test]
fn listener_over_tls_acks_a_feed_and_refuses_plaintext() {
    let ca = Ca::new("bedside test CA");
    let rt = rt();
    rt.block_on(async {
        let cfg = ListenerConfig {
            tls: Some(server_config(ca.server(&["localhost", "127.0.0.1"]))),
            frame_timeout: Duration::from_secs(2),
            ..ListenerConfig::default()
        };
        let l = MllpListener::bind("127.0.0.1:0", cfg).await.unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let (tx, mut deliveries) = tokio::sync::mpsc::channel::<Delivery>(8);
        let server = tokio::spawn(l.run(tx));
        // The application: keeps each event, then accepts it (AA only after that).
        let (kept, mut rx) = tokio::sync::mpsc::channel(8);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    d = deliveries.recv() => match d {
                        Some(d) => {
                            let _ = kept.send(d.event().clone()).await;
                            d.accept();
                        }
                        None => break,
                    },
                    // The test dropped its receiver: stop taking deliveries too.
                    () = kept.closed() => break,
                }
            }
        });

        // A TLS client's ADT^A01 is acknowledged AA and delivered as a typed event.
        let ack = tls_feed(&addr, &ca, "T-A01").await;
        assert_aa(&ack, "T-A01");
        match tokio::time::timeout(Duration::from_secs(2), rx.recv())
            .await
            .unwrap()
        {
            Some(FeedEvent::Link {
                trigger: Trigger::A01,
                control_id,
                identifiers,
            }) => {
                assert_eq!(control_id, "T-A01");
                assert_eq!(identifiers[0].value, "K1234567");
                assert_eq!(identifiers[1].value, NHS_NUMBER);
                assert_eq!(identifiers[1].universal_id, NHS_OID);
            }
            other => panic!("expected an A01 link event, got {other:?}"),
        }

        // A plaintext client: the same MLLP frame without TLS gets no ACK, the connection
        // is closed, and nothing reaches the event channel.
        let mut plain = TcpStream::connect(&addr).await.unwrap();
        plain.write_all(&adt_a01("P-A01")).await.unwrap();
        let mut got = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(5), async {
            let mut buf = [0u8; 1024];
            loop {
                match plain.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "listener kept a plaintext connection open");
        // At most a TLS alert record (content type 21), never an MLLP frame.
        assert!(
            !got.contains(&0x0b) && !got.windows(3).any(|w| w == b"MSA"),
            "plaintext client got an MLLP answer: {got:?}"
        );
        assert!(got.is_empty() || got[0] == 21, "unexpected bytes {got:?}");
        assert!(
            rx.try_recv().is_err(),
            "a plaintext message produced an event"
        );

        // The listener is still up and serving TLS clients.
        assert!(
            !server.is_finished(),
            "listener stopped after a plaintext client"
        );
        let ack = tls_feed(&addr, &ca, "T-A01-2").await;
        assert_aa(&ack, "T-A01-2");
        let e = tokio::time::timeout(Duration::from_secs(2), rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(e.control_id(), "T-A01-2");

        drop(rx);
        // With the receiver gone, run() returns Ok once it notices.
        tokio::time::timeout(Duration::from_secs(2), server)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    });
}
