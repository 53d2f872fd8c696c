//! ITI-83 PIXm over real loopback HTTP against an independent Python peer
//! (`tests/peers/pixm_server.py`, http.server + fhir.resources R4B validation of every
//! request and response).
#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use bedside_pix::client::{AttemptError, PixClient, PixError};
use bedside_pix::domain::{Domain, PixQuery};
use bedside_pix::iti9::BuildError;
use bedside_pix::net::{PixmClient, PixmConfig};
use bedside_pix::outcome::{OutcomeKind, PixOutcome};
use bedside_pix::pixm::PixmError;
use common::Peer;
use std::time::Duration;

fn client(peer: &Peer, token: Option<&str>) -> PixmClient {
    let mut c = PixmConfig::new(&format!("http://127.0.0.1:{}/fhir", peer.port));
    c.bearer_token = token.map(str::to_owned);
    c.timeout = Duration::from_millis(700);
    c.breaker_threshold = 100;
    PixmClient::new(c).unwrap()
}

fn q(value: &str) -> PixQuery {
    PixQuery::nhs_number_for(value, Domain::parse("urn:oid:2.999.826.0.1.1").unwrap())
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn kind(r: Result<PixOutcome, PixError>) -> OutcomeKind {
    match r {
        Ok(o) => o.kind(),
        Err(e) => e.kind(),
    }
}

#[test]
fn status_codes_map_to_the_iti9_outcomes() {
    let peer = Peer::start("pixm_server.py");
    let c = client(&peer, Some("test-token"));
    rt().block_on(async {
        let found = c.query(&q("K1234567")).await.unwrap();
        assert_eq!(found.nhs_number(), Some("9990001235"));
        assert!(
            found.detail().contains("Patient/pat-7f3a21"),
            "{}",
            found.detail()
        );
        assert_eq!(kind(c.query(&q("K0000002")).await), OutcomeKind::NotFound);
        assert_eq!(
            kind(c.query(&q("K9999999")).await),
            OutcomeKind::UnknownIdentifier
        );
        let other = PixQuery::nhs_number_for("K1234567", Domain::parse("urn:oid:2.999.1").unwrap());
        assert_eq!(
            kind(c.query(&other).await),
            OutcomeKind::UnknownSourceDomain
        );
        let mut bad_target = q("K1234567");
        bad_target
            .target_domains
            .push(Domain::parse("urn:oid:2.999.77").unwrap());
        assert_eq!(
            kind(c.query(&bad_target).await),
            OutcomeKind::UnknownTargetDomain
        );
        assert_eq!(kind(c.query(&q("K0000005")).await), OutcomeKind::Ambiguous);
        assert_eq!(kind(c.query(&q("HTML404")).await), OutcomeKind::Rejected);
        // The NHS domain by its OID alias is understood too.
        let mut alias = q("K1234567");
        alias.target_domains = vec![Domain::parse("2.16.840.1.113883.2.1.4.1").unwrap()];
        alias.target_domains[0].uris.clear();
        assert_eq!(kind(c.query(&alias).await), OutcomeKind::Found);
    });
    let log = peer.log();
    assert!(log.iter().all(|l| l["valid"] == true), "{log:?}");
    assert!(log.iter().all(|l| l["auth"] == "Bearer test-token"));
    assert_eq!(
        log[0]["sourceIdentifier"][0],
        "urn:oid:2.999.826.0.1.1|K1234567"
    );
    assert_eq!(
        log[0]["targetSystem"][0],
        "https://fhir.nhs.uk/Id/nhs-number"
    );
}

#[test]
fn failures_are_unavailable_or_rejected_never_found() {
    let peer = Peer::start("pixm_server.py");
    let c = client(&peer, Some("test-token"));
    rt().block_on(async {
        match c.query(&q("MALFORMED")).await {
            Err(PixError::CannotConfirm {
                first: AttemptError::Pixm(PixmError::Json { .. }),
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        match c.query(&q("ERROR500")).await {
            Err(PixError::CannotConfirm {
                first: AttemptError::Pixm(PixmError::UnexpectedStatus { status: 503 }),
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        match c.query(&q("SLOWHTTP")).await {
            Err(PixError::CannotConfirm {
                first: AttemptError::ResponseTimeout,
                retry: Some(AttemptError::ResponseTimeout),
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
    });
    // Without the bearer token the manager answers 401: rejected.
    let anon = client(&peer, None);
    rt().block_on(async {
        assert_eq!(
            kind(anon.query(&q("K1234567")).await),
            OutcomeKind::Rejected
        );
    });
    // A dead port: unavailable.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = PixmClient::new(PixmConfig::new(&format!("http://127.0.0.1:{port}/fhir"))).unwrap();
    rt().block_on(async {
        assert_eq!(
            kind(dead.query(&q("K1234567")).await),
            OutcomeKind::Unavailable
        );
    });
}

#[test]
fn a_query_pixm_cannot_express_is_refused_without_tripping_the_breaker() {
    // No manager at all: a query that is sent fails (connection refused), and with a
    // threshold of one that single failure opens the circuit.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cfg = PixmConfig::new(&format!("http://127.0.0.1:{port}/fhir"));
    cfg.breaker_threshold = 1;
    cfg.breaker_open_for = Duration::from_secs(60);
    let c = PixmClient::new(cfg).unwrap();
    // A hospital-number domain known only by its HL7 v2 namespace has no FHIR system.
    let hl7_only = PixQuery::nhs_number_for("K1234567", Domain::parse("TRUST_MRN&&").unwrap());
    let mut no_target = q("K1234567");
    no_target
        .target_domains
        .push(Domain::parse("OTHER&&").unwrap());
    rt().block_on(async {
        for _ in 0..3 {
            match c.query(&hl7_only).await {
                Err(PixError::InvalidQuery(BuildError::NoSourceSystem)) => {}
                other => panic!("{other:?}"),
            }
            match c.query(&no_target).await {
                Err(PixError::InvalidQuery(BuildError::NoTargetSystem { repetition: 2 })) => {}
                other => panic!("{other:?}"),
            }
            match c.query(&q("")).await {
                Err(PixError::InvalidQuery(BuildError::EmptyIdentifier)) => {}
                other => panic!("{other:?}"),
            }
        }
        // None of them counted: the circuit is still closed, so this one is sent ...
        match c.query(&q("K1234567")).await {
            Err(PixError::CannotConfirm { .. }) => {}
            other => panic!("{other:?}"),
        }
        // ... and its failure opens it.
        match c.query(&q("K1234567")).await {
            Err(PixError::CircuitOpen { .. }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(kind(c.query(&hl7_only).await), OutcomeKind::Unavailable);
    });
}
