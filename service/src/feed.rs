//! Feeding the local identity index from ITI-8 (patient identity feed) and ITI-10 (PIX
//! update notification) messages received by `bedside-pix`'s MLLP listener.
//!
//! - Link (A01/A04/A05) and Update (A08/A31): each trust hospital number in PID-3 is
//!   linked to exactly the NHS numbers in the same PID-3 (replacing earlier links; none
//!   means the link was removed). Two NHS numbers make the hospital number ambiguous.
//! - Merge (A40): each subsumed hospital number (MRG-1) is marked merged and stops
//!   resolving; a subsumed NHS number marks its patient record merged.
//!
//! Every event drops the PIX answer cache and is audited (actor `feed`).

use std::sync::Arc;

use bedside_patient::NhsNumber;
use bedside_pix::domain::Domain;
use bedside_pix::feed::{Cx, FeedEvent};
use bedside_pix::net::{ListenerConfig, MllpListener};
use serde_json::json;
use sqlx::AnyConnection;

use crate::clock::now_ms;
use crate::identify::Identifier;

fn is(domain: &Domain, cx: &Cx) -> bool {
    domain.matches_hd(&cx.namespace, &cx.universal_id, &cx.universal_id_type)
}

/// The NHS numbers (valid under the wristband policy) and hospital numbers in a PID-3 list.
fn split(ident: &Identifier, mrn_domain: &Domain, ids: &[Cx]) -> (Vec<String>, Vec<String>, usize) {
    let nhs_domain = Domain::nhs_number();
    let (mut nhs, mut mrns, mut rejected) = (Vec::new(), Vec::new(), 0);
    for cx in ids {
        if is(&nhs_domain, cx) {
            match NhsNumber::parse_compact(&cx.value, ident.policy.test_data()) {
                Ok(n) if !nhs.contains(&n.as_str().to_owned()) => nhs.push(n.as_str().to_owned()),
                Ok(_) => {}
                Err(_) => rejected += 1,
            }
        } else if is(mrn_domain, cx) && !cx.value.is_empty() && cx.value.len() <= 64 {
            mrns.push(cx.value.clone());
        }
    }
    (nhs, mrns, rejected)
}

/// Links each hospital number in `mrns` to exactly the NHS numbers in `nhs` (replacing
/// earlier links; none removes the link), inside the caller's transaction.
///
/// # Errors
/// Database errors.
pub(crate) async fn link_in(
    conn: &mut AnyConnection,
    mrns: &[String],
    nhs: &[String],
    source: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    for mrn in mrns {
        sqlx::query("DELETE FROM identifiers WHERE domain = 'mrn' AND value = $1")
            .bind(mrn)
            .execute(&mut *conn)
            .await?;
        for n in nhs {
            sqlx::query("INSERT INTO identifiers (domain, value, nhs_number, status, merged_into, source, expires_at, updated_at) VALUES ('mrn', $1, $2, 'active', NULL, $3, NULL, $4)")
                .bind(mrn)
                .bind(n)
                .bind(source)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Marks each subsumed hospital number merged (it stops resolving) into the first
/// surviving one, and each subsumed NHS number's record merged into the first surviving
/// NHS number, inside the caller's transaction. Returns the surviving hospital number.
///
/// # Errors
/// Database errors.
pub(crate) async fn merge_in(
    conn: &mut AnyConnection,
    survivor_nhs: &[String],
    survivor_mrns: &[String],
    old_nhs: &[String],
    old_mrns: &[String],
    source: &str,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let survivor_mrn = survivor_mrns.first().cloned();
    for mrn in old_mrns {
        let updated = sqlx::query("UPDATE identifiers SET status = 'merged', merged_into = $1, source = $2, updated_at = $3 WHERE domain = 'mrn' AND value = $4")
            .bind(survivor_mrn.clone())
            .bind(source)
            .bind(now)
            .bind(mrn)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if updated == 0 {
            sqlx::query("INSERT INTO identifiers (domain, value, nhs_number, status, merged_into, source, expires_at, updated_at) VALUES ('mrn', $1, $2, 'merged', $3, $4, NULL, $5)")
                .bind(mrn)
                .bind(survivor_nhs.first().cloned().unwrap_or_default())
                .bind(survivor_mrn.clone())
                .bind(source)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        }
    }
    for n in old_nhs {
        if let Some(s) = survivor_nhs.first().filter(|s| *s != n) {
            sqlx::query(
                "UPDATE patients SET merged_into = $1, updated_at = $2 WHERE nhs_number = $3",
            )
            .bind(s)
            .bind(now)
            .bind(n)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(survivor_mrn)
}

/// Applies one event to the index.
///
/// # Errors
/// Database errors (the event is then not applied; the audit says so).
pub async fn apply(
    ident: &Identifier,
    mrn_domain: &Domain,
    event: &FeedEvent,
) -> Result<serde_json::Value, sqlx::Error> {
    let now = now_ms();
    let mut tx = ident.db.pool.begin().await?;
    let detail = match event {
        FeedEvent::Link { identifiers, .. } | FeedEvent::Update { identifiers, .. } => {
            let (nhs, mrns, rejected) = split(ident, mrn_domain, identifiers);
            link_in(&mut tx, &mrns, &nhs, "feed", now).await?;
            json!({"event": if matches!(event, FeedEvent::Link { .. }) { "link" } else { "update" },
                   "control_id": event.control_id(), "mrns": mrns, "nhs_numbers": nhs, "rejected_nhs_numbers": rejected})
        }
        FeedEvent::Merge {
            survivor, subsumed, ..
        } => {
            let (s_nhs, s_mrns, _) = split(ident, mrn_domain, survivor);
            let (old_nhs, old_mrns, _) = split(ident, mrn_domain, subsumed);
            let survivor_mrn =
                merge_in(&mut tx, &s_nhs, &s_mrns, &old_nhs, &old_mrns, "feed", now).await?;
            json!({"event": "merge", "control_id": event.control_id(), "subsumed_mrns": old_mrns,
                   "subsumed_nhs_numbers": old_nhs, "survivor_mrn": survivor_mrn, "survivor_nhs_numbers": s_nhs})
        }
        other => json!({"event": "ignored", "control_id": other.control_id()}),
    };
    crate::audit::append_in(&mut tx, "feed", "index.feed", &detail).await?;
    tx.commit().await?;
    if let Some(p) = &ident.pix {
        p.invalidate();
    }
    Ok(detail)
}

/// Binds the ITI-8/ITI-10 listener and applies its events in order, on background tasks.
/// Returns the bound address.
///
/// # Errors
/// The address cannot be bound.
pub async fn start(
    addr: &str,
    ident: Arc<Identifier>,
    mrn_domain: Domain,
) -> std::io::Result<std::net::SocketAddr> {
    let listener = MllpListener::bind(addr, ListenerConfig::default()).await?;
    let local = listener.local_addr()?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<FeedEvent>(256);
    tokio::spawn(async move {
        if let Err(e) = listener.run(tx).await {
            tracing::error!(error = %e.kind(), "feed listener stopped");
        }
    });
    tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            match apply(&ident, &mrn_domain, &event).await {
                Ok(_) => tracing::info!("index feed event applied"),
                Err(_) => tracing::error!("index feed event could not be applied (database)"),
            }
        }
    });
    Ok(local)
}
