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
//!
//! **Acknowledged means stored.** The listener answers `AA` only after [`apply`] has
//! committed the event's change, its audit row and the message's key (sender MSH-3/MSH-4
//! and MSH-10) in one transaction. A store that refuses or stalls gets the sender an `AE`
//! (send again) and keeps nothing. A message sent again after a lost ACK is recognised by
//! its key and answered `AA` without being applied twice; a key reused for a different
//! message is refused (`AE`, ERR 205) rather than dropped as a repeat.

use std::sync::Arc;
use std::time::Duration;

use bedside_patient::NhsNumber;
use bedside_pix::domain::Domain;
use bedside_pix::feed::{Cx, FeedError, FeedEvent};
use bedside_pix::net::{Delivery, ListenerConfig, MessageSource, MllpListener};
use bedside_ward::audit::{FeedEventKind, IndexFacts};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

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

/// What [`apply`] did with one message.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// The event's change and its audit row were committed; the audit facts.
    Stored(Box<IndexFacts>),
    /// The same message (same sender, MSH-10 and content) was stored before: nothing
    /// was applied again.
    Repeat,
}

/// Why [`apply`] stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The database refused or failed; nothing was kept (the transaction rolled back).
    #[error("the index could not be updated: {0}")]
    Store(#[from] sqlx::Error),
    /// The sender used this MSH-10 before for a message with other content.
    #[error("MSH-10 was already used by this sender for another message")]
    ControlIdReused,
}

/// How long [`apply`] may take before its transaction is abandoned (rolled back) and the
/// sender answered `AE`. Below the listener's own 30 s limit, so the answer is ours.
pub(crate) const APPLY_BUDGET: Duration = Duration::from_secs(20);

/// Message keys older than this are forgotten at start-up: a sender resends after a lost
/// ACK within minutes, and the key also catches control ids reused within this window.
const KEY_RETENTION_MS: i64 = 90 * 24 * 60 * 60 * 1000;

/// The sender's name in the message key: MSH-3 and MSH-4, as sent.
pub(crate) fn sender_key(source: &MessageSource) -> String {
    format!("{}|{}", source.application, source.facility)
}

/// A digest of what the event says (kind, trigger and every identifier component), so
/// that a message sent again is told apart from another message under the same MSH-10.
/// Timestamps are left out: an engine that resends may stamp MSH-7 anew.
fn fingerprint(event: &FeedEvent) -> String {
    fn put(h: &mut Sha256, part: &str) {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    fn ids(h: &mut Sha256, list: &[Cx]) {
        h.update((list.len() as u64).to_be_bytes());
        for cx in list {
            for part in [
                &cx.value,
                &cx.namespace,
                &cx.universal_id,
                &cx.universal_id_type,
                &cx.type_code,
            ] {
                put(h, part);
            }
        }
    }
    let mut h = Sha256::new();
    match event {
        FeedEvent::Link {
            trigger,
            identifiers,
            ..
        } => {
            put(&mut h, "link");
            put(&mut h, trigger.as_str());
            ids(&mut h, identifiers);
        }
        FeedEvent::Update {
            trigger,
            identifiers,
            ..
        } => {
            put(&mut h, "update");
            put(&mut h, trigger.as_str());
            ids(&mut h, identifiers);
        }
        FeedEvent::Merge {
            survivor, subsumed, ..
        } => {
            put(&mut h, "merge");
            ids(&mut h, survivor);
            ids(&mut h, subsumed);
        }
        other => {
            put(&mut h, "other");
            put(&mut h, &format!("{other:?}"));
        }
    }
    crate::crypto::hex(&h.finalize())
}

/// Records the message's key in the caller's transaction. `Ok(false)`: the same message
/// was stored before.
pub(crate) async fn claim_key(
    conn: &mut AnyConnection,
    sender: &str,
    control_id: &str,
    digest: &str,
    now: i64,
) -> Result<bool, ApplyError> {
    // A write first: on SQLite it takes the write lock at once (waiting its turn), so the
    // transaction never has to upgrade a read snapshot, which SQLite refuses outright
    // when another writer went first. Two instances racing on the same message: the
    // second finds the key.
    let inserted = sqlx::query(
        "INSERT INTO feed_messages (sender, control_id, digest, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sender, control_id) DO NOTHING",
    )
    .bind(sender)
    .bind(control_id)
    .bind(digest)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(true);
    }
    let earlier: String =
        sqlx::query("SELECT digest FROM feed_messages WHERE sender = $1 AND control_id = $2")
            .bind(sender)
            .bind(control_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
    if earlier == digest {
        Ok(false)
    } else {
        Err(ApplyError::ControlIdReused)
    }
}

/// Applies one message's event to the index: its change, its audit row and its key in
/// one transaction, committed before this returns `Ok` (and before the sender is
/// acknowledged). A message without MSH-10 cannot be recognised when sent again and is
/// applied each time (its change is idempotent; its audit row is not).
///
/// # Errors
/// [`ApplyError::Store`] when the database fails (nothing is kept);
/// [`ApplyError::ControlIdReused`] when the key names another message (nothing is kept).
pub async fn apply(
    ident: &Identifier,
    mrn_domain: &Domain,
    source: &MessageSource,
    event: &FeedEvent,
    allergies: Option<&bedside_orders::model::AllergyStatement>,
) -> Result<Applied, ApplyError> {
    let now = now_ms();
    let sender = sender_key(source);
    let mut tx = ident.db.pool.begin().await?;
    if !event.control_id().is_empty()
        && !claim_key(
            &mut tx,
            &sender,
            event.control_id(),
            &fingerprint(event),
            now,
        )
        .await?
    {
        tx.rollback().await?;
        return Ok(Applied::Repeat);
    }
    let detail = match event {
        FeedEvent::Link { identifiers, .. } | FeedEvent::Update { identifiers, .. } => {
            let (nhs, mrns, rejected) = split(ident, mrn_domain, identifiers);
            link_in(&mut tx, &mrns, &nhs, "feed", now).await?;
            // AL1 segments replace the patient's HL7 allergy list (none: left alone).
            if let (Some(statement), [one]) = (allergies, nhs.as_slice()) {
                crate::allergies::replace_hl7(&mut tx, one, statement, now).await?;
            }
            IndexFacts {
                event: Some(if matches!(event, FeedEvent::Link { .. }) {
                    FeedEventKind::Link
                } else {
                    FeedEventKind::Update
                }),
                control_id: Some(event.control_id().to_owned()),
                sender: Some(sender),
                mrns: Some(mrns),
                nhs_numbers: Some(nhs),
                rejected_nhs_numbers: Some(rejected as u64),
                ..IndexFacts::default()
            }
        }
        FeedEvent::Merge {
            survivor, subsumed, ..
        } => {
            let (s_nhs, s_mrns, _) = split(ident, mrn_domain, survivor);
            let (old_nhs, old_mrns, _) = split(ident, mrn_domain, subsumed);
            let survivor_mrn =
                merge_in(&mut tx, &s_nhs, &s_mrns, &old_nhs, &old_mrns, "feed", now).await?;
            IndexFacts {
                event: Some(FeedEventKind::Merge),
                control_id: Some(event.control_id().to_owned()),
                sender: Some(sender),
                subsumed_mrns: Some(old_mrns),
                subsumed_nhs_numbers: Some(old_nhs),
                survivor_mrn: Some(survivor_mrn),
                survivor_nhs_numbers: Some(s_nhs),
                ..IndexFacts::default()
            }
        }
        other => IndexFacts {
            event: Some(FeedEventKind::Ignored),
            control_id: Some(other.control_id().to_owned()),
            sender: Some(sender),
            ..IndexFacts::default()
        },
    };
    crate::audit::append_in(&mut tx, "feed", "index.feed", &detail).await?;
    crate::notify::announce_in(&mut tx, ident.db.backend, crate::notify::Invalidation::Pix).await?;
    tx.commit().await?;
    if let Some(p) = &ident.pix {
        p.invalidate();
    }
    Ok(Applied::Stored(Box::new(detail)))
}

/// Decides one delivery: applies it within [`APPLY_BUDGET`] and answers the listener
/// only then. Logs carry the control id and outcome, never identifiers.
async fn decide(ident: &Identifier, mrn_domain: &Domain, delivery: Delivery) {
    let control_id = delivery.event().control_id().to_owned();
    // AL1 allergy segments of an ADT message, read before anything is stored.
    let allergies = match bedside_pix::er7::Message::parse(delivery.raw()) {
        Ok(m) => match bedside_orders::hl7::read_allergies(&m) {
            Ok(a) => a,
            // Events that carry no allergy list (A05, A28, A40): nothing to read.
            Err(e)
                if matches!(
                    e.code,
                    bedside_orders::hl7::ErrorCode::UnsupportedEventCode
                        | bedside_orders::hl7::ErrorCode::UnsupportedMessageType
                ) =>
            {
                None
            }
            Err(e) => {
                tracing::warn!(control_id, location = %e.err_location(), "AL1 refused");
                delivery.refuse(FeedError::Application {
                    code: e.code.value(),
                    location: e.err_location(),
                    message: e.to_string(),
                });
                return;
            }
        },
        Err(_) => None,
    };
    let linked_nhs = match delivery.event() {
        FeedEvent::Link { identifiers, .. } | FeedEvent::Update { identifiers, .. } => {
            split(ident, mrn_domain, identifiers).0.len()
        }
        _ => 0,
    };
    if allergies.is_some() && linked_nhs != 1 {
        delivery.refuse(FeedError::Application {
            code: 207,
            location: "PID^1^3".to_owned(),
            message: "AL1 allergies need exactly one NHS number in PID-3".to_owned(),
        });
        return;
    }
    let outcome = tokio::time::timeout(
        APPLY_BUDGET,
        apply(
            ident,
            mrn_domain,
            delivery.source(),
            delivery.event(),
            allergies.as_ref(),
        ),
    )
    .await;
    match outcome {
        Ok(Ok(Applied::Stored(_))) => {
            tracing::info!(control_id, "index feed event stored");
            delivery.accept();
        }
        Ok(Ok(Applied::Repeat)) => {
            tracing::info!(
                control_id,
                "index feed message sent again: stored before, not applied twice"
            );
            delivery.accept();
        }
        Ok(Err(ApplyError::ControlIdReused)) => {
            tracing::warn!(
                control_id,
                "index feed message refused: control id reused for another message"
            );
            delivery.refuse(FeedError::ControlIdReused { control_id });
        }
        Ok(Err(ApplyError::Store(e))) => {
            tracing::error!(control_id, error = %e, "index feed event not stored (database); answered AE");
            delivery.refuse(FeedError::NotStored);
        }
        Err(_) => {
            tracing::error!(
                control_id,
                "index feed event not stored in time; answered AE"
            );
            delivery.refuse(FeedError::NotStored);
        }
    }
}

/// Binds the ITI-8/ITI-10 listener and applies its messages in arrival order, one at a
/// time, on a background task; each sender is answered only after its message was
/// decided. Returns the bound address.
///
/// # Errors
/// The address cannot be bound.
pub async fn start(
    addr: &str,
    ident: Arc<Identifier>,
    mrn_domain: Domain,
    orders: bedside_orders::hl7::ReadOptions,
) -> std::io::Result<std::net::SocketAddr> {
    let config = ListenerConfig {
        order_types: crate::feed_orders::order_types(),
        ..ListenerConfig::default()
    };
    let listener = MllpListener::bind(addr, config).await?;
    let local = listener.local_addr()?;
    let forget = now_ms() - KEY_RETENTION_MS;
    if let Err(e) = sqlx::query("DELETE FROM feed_messages WHERE received_at < $1")
        .bind(forget)
        .execute(&ident.db.pool)
        .await
    {
        tracing::warn!(error = %e, "old feed message keys could not be pruned");
    }
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Delivery>(256);
    let (otx, orx) = tokio::sync::mpsc::channel::<bedside_pix::net::OrderDelivery>(256);
    crate::feed_orders::spawn(ident.db.clone(), orders, orx);
    tokio::spawn(async move {
        if let Err(e) = listener.run_with_orders(tx, otx).await {
            tracing::error!(error = %e.kind(), "feed listener stopped");
        }
    });
    tokio::spawn(async move {
        while let Some(delivery) = rx.recv().await {
            decide(&ident, &mrn_domain, delivery).await;
        }
    });
    Ok(local)
}
