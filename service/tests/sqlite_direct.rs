//! The SQLite hot path (`bedside::sqlite_direct`): identify reads the index over direct
//! connections on the request's thread, and the audit writer is a thread with its own
//! connection. These tests pin what that must never change:
//!
//! - a change committed by any other connection (the pool, another process) is seen by the
//!   very next identification — there is no cache to go stale;
//! - the direct lookup and the pooled one (PostgreSQL's, and SQLite's without the hot path)
//!   reach the same decision for every state of the index a band can meet;
//! - rows appended by the writer thread and, at the same time, by transactions on other
//!   connections form one unbroken chain with no sequence number lost or repeated.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use bedside::db::Db;
use bedside::identify::Identifier;
use sqlx::Row;

/// Status and reason codes of one decision.
fn summary(id: &bedside::identify::Identification) -> (String, Vec<String>) {
    (
        id.decision.status().as_str().to_owned(),
        id.decision
            .reasons()
            .iter()
            .map(|r| r.code.as_str().to_owned())
            .collect(),
    )
}

/// The same resolver as `hot` over a plain pool of `url` (no hot path): PostgreSQL's path,
/// and SQLite's without direct connections.
async fn pooled_twin(hot: &Identifier, url: &str) -> Identifier {
    Identifier {
        db: Db::connect(url, 2).await.unwrap(),
        policy: hot.policy.clone(),
        gs_substitute: hot.gs_substitute.clone(),
        mrn_from_ai91: hot.mrn_from_ai91,
        pix: None,
    }
}

/// A demo band that identifies its patient, and that patient's NHS number.
fn matching_band() -> (bedside::demo::DemoBand, String) {
    let d = common::demo();
    let band = d
        .wristbands
        .iter()
        .find(|b| b.expect_status == "match")
        .unwrap()
        .clone();
    let nhs = d
        .patients
        .iter()
        .find(|p| p.wristband_scan == band.scan)
        .unwrap()
        .nhs_number
        .clone();
    (band, nhs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_connections_changes_are_seen_at_once_and_both_lookups_agree() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let app = common::TestApp::start(db.config()).await;
    let hot = &app.state.identifier;
    assert!(
        hot.db.backend == bedside::db::Backend::Sqlite,
        "the service runs on SQLite here"
    );
    // The same resolver over a plain pool (no hot path), and a third connection that
    // changes the index behind both, as the feed, an import or another process would.
    let plain = pooled_twin(hot, &db.url).await;
    let writer = Db::connect(&db.url, 1).await.unwrap();
    let (band, nhs) = matching_band();
    let identifier = |domain: &'static str| {
        let (pool, nhs) = (writer.pool.clone(), nhs.clone());
        async move {
            sqlx::query("SELECT value FROM identifiers WHERE domain = $1 AND nhs_number = $2")
                .bind(domain)
                .bind(nhs)
                .fetch_one(&pool)
                .await
                .unwrap()
                .try_get::<String, _>(0)
                .unwrap()
        }
    };
    let (gsrn, mrn) = (identifier("gsrn").await, identifier("mrn").await);
    // Every statement is given $1 = NHS number, $2 = GSRN, $3 = hospital number.
    let exec = |sql: &'static str| {
        let pool = writer.pool.clone();
        let (nhs, gsrn, mrn) = (nhs.clone(), gsrn.clone(), mrn.clone());
        async move {
            let mut tx = pool.begin().await.unwrap();
            for one in sql.split(';') {
                sqlx::query(one)
                    .bind(nhs.clone())
                    .bind(gsrn.clone())
                    .bind(mrn.clone())
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
    };
    // (what changes, the statement, the decision both resolvers must then reach)
    let steps: [(&str, &'static str, &str, &[&str]); 13] = [
        ("nothing yet", "SELECT $1, $2, $3", "match", &[]),
        (
            "the GSRN's link expires",
            "UPDATE identifiers SET expires_at = 1 WHERE domain = 'gsrn' AND nhs_number = $1 AND value = $2 AND $3 IS NOT NULL",
            "unavailable",
            &["stale_index_entry"],
        ),
        (
            "the GSRN is linked to a second NHS number",
            "INSERT INTO identifiers (domain, value, nhs_number, status, source, updated_at) SELECT 'gsrn', $2, '9990000018', 'active', 'test', 0 WHERE $1 IS NOT NULL AND $3 IS NOT NULL",
            "ambiguous",
            &["multiple_nhs_numbers"],
        ),
        (
            "the GSRN now links only to the other number",
            "DELETE FROM identifiers WHERE domain = 'gsrn' AND value = $2 AND nhs_number = $1 AND $3 IS NOT NULL",
            "no_match",
            &["index_disagrees_with_band"],
        ),
        (
            "the GSRN's link is merged away",
            "UPDATE identifiers SET status = 'merged', nhs_number = $1 WHERE domain = 'gsrn' AND value = $2 AND $3 IS NOT NULL",
            "no_match",
            &["merged_identifier"],
        ),
        (
            "the GSRN has no row (the band's own NHS number stands)",
            "DELETE FROM identifiers WHERE domain = 'gsrn' AND value = $2 AND $1 IS NOT NULL AND $3 IS NOT NULL",
            "match",
            &[],
        ),
        (
            "the hospital number's link expires",
            "UPDATE identifiers SET expires_at = 1 WHERE domain = 'mrn' AND value = $3 AND nhs_number = $1 AND $2 IS NOT NULL",
            "unavailable",
            &["stale_index_entry"],
        ),
        (
            "the hospital number is linked to a second NHS number as well",
            "UPDATE identifiers SET expires_at = NULL WHERE domain = 'mrn' AND value = $3 AND nhs_number = $1 AND $2 IS NOT NULL; INSERT INTO identifiers (domain, value, nhs_number, status, source, updated_at) SELECT 'mrn', $3, '9990000018', 'active', 'test', 0 WHERE $1 IS NOT NULL AND $2 IS NOT NULL",
            "ambiguous",
            &["multiple_nhs_numbers"],
        ),
        (
            "the hospital number's second link is merged away",
            "UPDATE identifiers SET status = 'merged' WHERE domain = 'mrn' AND value = $3 AND nhs_number = '9990000018' AND $1 IS NOT NULL AND $2 IS NOT NULL",
            "no_match",
            &["merged_identifier"],
        ),
        (
            "the hospital number links to the band's number alone again",
            "DELETE FROM identifiers WHERE domain = 'mrn' AND value = $3 AND nhs_number = '9990000018' AND $1 IS NOT NULL AND $2 IS NOT NULL",
            "match",
            &[],
        ),
        (
            "the record is renamed",
            "UPDATE patients SET family = 'SOMEONE-ELSE' WHERE nhs_number = $1 AND $2 IS NOT NULL AND $3 IS NOT NULL",
            "no_match",
            &["demographics_mismatch"],
        ),
        (
            "the NHS number is merged into another record",
            "UPDATE patients SET merged_into = '9990000018' WHERE nhs_number = $1 AND $2 IS NOT NULL AND $3 IS NOT NULL",
            "no_match",
            &["merged_identifier"],
        ),
        (
            "the record is gone",
            "DELETE FROM patients WHERE nhs_number = $1 AND $2 IS NOT NULL AND $3 IS NOT NULL",
            "no_match",
            &["unknown_identifier"],
        ),
    ];
    for (what, sql, status, reasons) in steps {
        exec(sql).await;
        let direct = hot.identify(&band.scan, None).await;
        let pooled = plain.identify(&band.scan, None).await;
        let want = (
            status.to_owned(),
            reasons.iter().map(|r| (*r).to_owned()).collect::<Vec<_>>(),
        );
        let got = summary(&direct);
        // The first reason is the one that decides; later ones may add detail.
        assert_eq!(
            (&got.0, got.1.first()),
            (&want.0, want.1.first()),
            "{what}: direct lookup"
        );
        assert_eq!(summary(&pooled), got, "{what}: pooled lookup disagrees");
        assert_eq!(direct.facts, pooled.facts, "{what}: audit facts differ");
    }
    app.stop().await;
}

/// An index entry's expiry that is not a number (a date string written by another tool)
/// compares greater than every number in SQLite, so it would read as "fresh forever".
/// Migration 4 refuses such writes and turns an existing one into "expired": both
/// lookups then fail closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expiry_that_is_not_a_number_is_never_fresh() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let app = common::TestApp::start(db.config()).await;
    let hot = &app.state.identifier;
    let plain = pooled_twin(hot, &db.url).await;
    let other = Db::connect(&db.url, 1).await.unwrap();
    let (band, nhs) = matching_band();
    let set_text_expiry = "UPDATE identifiers SET expires_at = '2099-12-31' WHERE domain = 'gsrn' AND nhs_number = $1";
    let refused = sqlx::query(set_text_expiry)
        .bind(&nhs)
        .execute(&other.pool)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("must be an integer"),
        "{refused}"
    );
    let inserted = sqlx::query("INSERT INTO identifiers (domain, value, nhs_number, status, source, expires_at, updated_at) VALUES ('mrn', 'X1', $1, 'active', 'test', 'soon', 0)")
        .bind(&nhs)
        .execute(&other.pool)
        .await;
    assert!(inserted.is_err(), "a text expiry was inserted");
    assert_eq!(summary(&hot.identify(&band.scan, None).await).0, "match");

    // A database written before migration 4, by a tool that stored a date string.
    for sql in [
        "DROP TRIGGER identifiers_expiry_insert",
        "DROP TRIGGER identifiers_expiry_update",
        "DELETE FROM _sqlx_migrations WHERE version = 4",
    ] {
        sqlx::query(sql).execute(&other.pool).await.unwrap();
    }
    sqlx::query(set_text_expiry)
        .bind(&nhs)
        .execute(&other.pool)
        .await
        .unwrap();
    // The direct path reads the expiry as a number and refuses the text.
    assert_ne!(summary(&hot.identify(&band.scan, None).await).0, "match");
    other.migrate().await.unwrap();
    let kept: (String, Option<i64>) = sqlx::query_as(
        "SELECT typeof(expires_at), expires_at FROM identifiers WHERE domain = 'gsrn' AND nhs_number = $1",
    )
    .bind(&nhs)
    .fetch_one(&other.pool)
    .await
    .unwrap();
    assert_eq!(
        kept,
        ("integer".to_owned(), Some(0)),
        "made expired, not removed"
    );
    let want = (
        "unavailable".to_owned(),
        vec!["stale_index_entry".to_owned()],
    );
    let direct = summary(&hot.identify(&band.scan, None).await);
    assert_eq!((&direct.0, direct.1.first()), (&want.0, want.1.first()));
    assert_eq!(summary(&plain.identify(&band.scan, None).await), direct);
    assert!(
        sqlx::query(set_text_expiry)
            .bind(&nhs)
            .execute(&other.pool)
            .await
            .is_err(),
        "the guard is back"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writer_thread_and_other_connections_keep_one_chain() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let app = common::TestApp::start(db.config()).await;
    let before = app.audit_rows().await;
    let other = Db::connect(&db.url, 4).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let hot = app.state.db.clone();
        tasks.push(tokio::spawn(async move {
            bedside::audit::append(&hot, "test:hot", "test.hot", &serde_json::json!({ "i": i }))
                .await
                .unwrap()
        }));
        if i % 4 == 0 {
            // An administration-style append inside another connection's transaction.
            let other = other.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = other.pool.begin().await.unwrap();
                let seq = bedside::audit::append_in(
                    &mut tx,
                    "test:other",
                    "test.other",
                    &serde_json::json!({ "i": i }),
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
                seq
            }));
        }
    }
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap());
    }
    seqs.sort_unstable();
    let n = seqs.len();
    seqs.dedup();
    assert_eq!(seqs.len(), n, "a sequence number was handed out twice");
    assert_eq!(app.audit_rows().await, before + 250);
    let v = bedside::audit::verify(&app.state.db).await.unwrap();
    assert!(v.ok, "{v:?}");
    assert_eq!(v.rows, before + 250);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_database_is_never_a_match_and_never_audited() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let app = common::TestApp::start(db.config()).await;
    let (band, _) = matching_band();
    assert_eq!(
        summary(&app.state.identifier.identify(&band.scan, None).await).0,
        "match"
    );
    app.state.db.close().await;
    let id = app.state.identifier.identify(&band.scan, None).await;
    assert_eq!(
        summary(&id),
        (
            "unavailable".to_owned(),
            vec!["index_unavailable".to_owned()]
        )
    );
    assert!(
        bedside::audit::append(&app.state.db, "test", "test", &serde_json::json!({}))
            .await
            .is_err()
    );
    app.stop().await;
}
