//! Prescriptions from the EPMA over the same MLLP listener as the identity feed
//! (`--feed-listen`): `RDE^O11` and `OMP^O09`, read by `bedside-orders` and stored by
//! [`crate::orders`].
//!
//! **Acknowledged means stored**, as for the identity feed: the sender gets `AA` only
//! after every order of the message, any AL1 allergies it carries, its audit row
//! (`orders.feed`) and its key (sender and MSH-10) are committed in one transaction. A
//! message that cannot be read, or names an unknown patient or dm+d code, a unit or route
//! the catalogue does not know, gets `AE` with an ERR segment naming the segment and field
//! and the HL7 table 0357 code, and nothing of it is stored; a database failure or stall
//! gets `AE` (send again). The same message sent again is answered `AA` and not applied
//! twice; an MSH-10 reused for another message is refused (ERR 205).

use std::sync::Arc;

use bedside_orders::hl7::{OrderMessage, ReadOptions, read_order_message};
use bedside_orders::model::OrderEvent;
use bedside_pix::er7::Message;
use bedside_pix::feed::FeedError;
use bedside_pix::net::{MessageSource, OrderDelivery};
use sha2::{Digest, Sha256};

use crate::clock::now_ms;
use crate::db::Db;
use crate::feed::{APPLY_BUDGET, ApplyError, claim_key, sender_key};
use crate::orders::{OrderError, Source, Stored};

/// The message types the listener hands to [`decide`].
#[must_use]
pub fn order_types() -> Vec<(String, String)> {
    vec![
        ("RDE".to_owned(), "O11".to_owned()),
        ("OMP".to_owned(), "O09".to_owned()),
    ]
}

/// A digest of the message without its MSH segment (an engine that resends may stamp
/// MSH-7 anew), to tell a message sent again from another under the same MSH-10.
fn digest(raw: &[u8]) -> String {
    let body = raw
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .map_or(&raw[..0], |i| &raw[i..]);
    bedside_ward::audit::hex(&Sha256::digest(body))
}

/// The audit facts of a stored order message.
#[derive(Debug, Clone, serde::Serialize)]
struct OrderFeedFacts {
    control_id: String,
    sender: String,
    message_type: String,
    nhs_number: String,
    orders: Vec<OrderFact>,
    allergies: Option<&'static str>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct OrderFact {
    id: String,
    control: &'static str,
    status: &'static str,
    stored: &'static str,
}

/// Why an order message was not stored.
#[derive(Debug)]
enum Refusal {
    /// Store-level refusal of the n-th order (1-based).
    Order(usize, OrderError),
    /// Key or database.
    Apply(ApplyError),
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        Refusal::Apply(ApplyError::Store(e))
    }
}

/// Stores one read message in one transaction.
async fn apply(
    db: &Db,
    source: &MessageSource,
    m: &OrderMessage,
    key_digest: &str,
) -> Result<bool, Refusal> {
    let mut tx = db.pool.begin().await?;
    match store(&mut tx, source, m, key_digest).await {
        Ok(true) => {
            tx.commit().await?;
            Ok(true)
        }
        // Roll back now rather than on drop: the connection goes back to the pool without
        // its write lock.
        Ok(false) => {
            tx.rollback().await?;
            Ok(false)
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

/// The message's changes, audit row and key, in `tx`. `Ok(false)`: stored before.
async fn store(
    tx: &mut sqlx::AnyConnection,
    source: &MessageSource,
    m: &OrderMessage,
    key_digest: &str,
) -> Result<bool, Refusal> {
    let now = now_ms();
    let sender = sender_key(source);
    if !m.control_id.is_empty()
        && !claim_key(tx, &sender, &m.control_id, key_digest, now)
            .await
            .map_err(Refusal::Apply)?
    {
        return Ok(false);
    }
    let mut facts = Vec::new();
    for (i, event) in m.events.iter().enumerate() {
        let fact = match event {
            OrderEvent::Upsert { control, order } => {
                if order.nhs_number != m.nhs_number {
                    return Err(Refusal::Order(
                        i + 1,
                        OrderError::Refused {
                            element: crate::orders::Element::Patient,
                            code: 207,
                            message: "the order's patient is not the message's".into(),
                        },
                    ));
                }
                let stored = crate::orders::upsert(tx, order, Source::Hl7, None, now)
                    .await
                    .map_err(|e| Refusal::Order(i + 1, e))?;
                OrderFact {
                    id: crate::orders::order_key(&order.id),
                    control: control_name(*control),
                    status: order.status.as_str(),
                    stored: stored_name(stored),
                }
            }
            OrderEvent::SetStatus {
                control,
                id,
                nhs_number,
                status,
                stated_at,
            } => {
                let stored =
                    crate::orders::set_status(tx, id, nhs_number, *status, *stated_at, now)
                        .await
                        .map_err(|e| Refusal::Order(i + 1, e))?;
                OrderFact {
                    id: crate::orders::order_key(id),
                    control: control_name(*control),
                    status: status.as_str(),
                    stored: stored_name(stored),
                }
            }
        };
        facts.push(fact);
    }
    let allergies = match &m.allergies {
        Some(statement) => {
            crate::allergies::replace_hl7(tx, &m.nhs_number, statement, now).await?;
            Some(crate::allergies::statement_name(statement))
        }
        None => None,
    };
    let detail = OrderFeedFacts {
        control_id: m.control_id.clone(),
        sender,
        message_type: format!("{:?}", m.message_type),
        nhs_number: m.nhs_number.clone(),
        orders: facts,
        allergies,
    };
    crate::audit::append_in(tx, "feed", "orders.feed", &detail).await?;
    Ok(true)
}

fn control_name(c: bedside_orders::model::OrderControl) -> &'static str {
    use bedside_orders::model::OrderControl::*;
    match c {
        New => "NW",
        Change => "XO",
        Cancel => "CA",
        Discontinue => "DC",
        Hold => "HD",
        Release => "RL",
    }
}

fn stored_name(s: Stored) -> &'static str {
    match s {
        Stored::Created => "created",
        Stored::Replaced => "replaced",
        Stored::Stale => "stale_ignored",
    }
}

/// Decides one order delivery within the apply budget, and answers the listener only
/// then. Logs carry the control id and outcome, never patient data.
pub async fn decide(db: &Db, opts: &ReadOptions, delivery: OrderDelivery) {
    let control_id = delivery.control_id().to_owned();
    let msg = match Message::parse(delivery.raw()) {
        Ok(m) => m,
        Err(_) => {
            // The listener parsed it already; this cannot differ, but never AA it.
            delivery.refuse(FeedError::NotStored);
            return;
        }
    };
    let read = match read_order_message(&msg, opts) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(control_id, location = %e.err_location(), code = e.code.value(), "order message refused");
            delivery.refuse(FeedError::Application {
                code: e.code.value(),
                location: e.err_location(),
                message: e.to_string(),
            });
            return;
        }
    };
    let key = digest(delivery.raw());
    let outcome =
        tokio::time::timeout(APPLY_BUDGET, apply(db, delivery.source(), &read, &key)).await;
    match outcome {
        Ok(Ok(true)) => {
            tracing::info!(
                control_id,
                orders = read.events.len(),
                "order message stored"
            );
            delivery.accept();
        }
        Ok(Ok(false)) => {
            tracing::info!(
                control_id,
                "order message sent again: stored before, not applied twice"
            );
            delivery.accept();
        }
        Ok(Err(Refusal::Order(
            n,
            OrderError::Refused {
                element,
                code,
                message,
            },
        ))) => {
            let location = element.hl7_location(n);
            tracing::warn!(control_id, location, code, "order refused");
            delivery.refuse(FeedError::Application {
                code,
                location,
                message,
            });
        }
        Ok(Err(Refusal::Order(_, OrderError::Db(e)) | Refusal::Apply(ApplyError::Store(e)))) => {
            tracing::error!(control_id, error = %e, "order message not stored (database); answered AE");
            delivery.refuse(FeedError::NotStored);
        }
        Ok(Err(Refusal::Apply(ApplyError::ControlIdReused))) => {
            tracing::warn!(
                control_id,
                "order message refused: control id reused for another message"
            );
            delivery.refuse(FeedError::ControlIdReused { control_id });
        }
        Err(_) => {
            tracing::error!(control_id, "order message not stored in time; answered AE");
            delivery.refuse(FeedError::NotStored);
        }
    }
}

/// Why an HL7 order file was not applied (nothing of it was: the caller's transaction is
/// to be rolled back).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file is not a sequence of HL7 messages.
    #[error("not HL7 messages: {0}")]
    Split(#[from] bedside_pix::batch::BatchError),
    /// Message `index` (1-based) is not ER7.
    #[error("message {index}: {error}")]
    Parse {
        /// Which message, from 1.
        index: usize,
        /// The codec's error.
        error: bedside_pix::er7::Er7Error,
    },
    /// Message `index` cannot be read as an order message.
    #[error("message {index}: {location}: {error}", location = error.err_location())]
    Read {
        /// Which message, from 1.
        index: usize,
        /// The reader's error (segment, field, rule).
        error: bedside_orders::hl7::Hl7Error,
    },
    /// An order of message `index` was refused by the store (unknown code, patient…).
    #[error("message {index}: {location}: {error}", location = refused_location(*order, error))]
    Refused {
        /// Which message, from 1.
        index: usize,
        /// Which order of it, from 1.
        order: usize,
        /// The store's refusal.
        error: OrderError,
    },
    /// Message `index` reuses an MSH-10 of its sender for other content.
    #[error("message {index}: MSH-10 was already used by this sender for another message")]
    ControlIdReused {
        /// Which message, from 1.
        index: usize,
    },
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

fn refused_location(order: usize, e: &OrderError) -> String {
    match e {
        OrderError::Refused { element, .. } => element.hl7_location(order),
        OrderError::Db(_) => String::new(),
    }
}

/// Applies every message of an HL7 file of order messages (`RDE^O11`, `OMP^O09`) in
/// `tx`, exactly as the feed listener would: the same reader and options, each message's
/// orders, allergies, audit row (`orders.feed`) and key (sender and MSH-10), so sending
/// the file again changes nothing. The demo's prescriptions arrive this way. Returns the
/// number of messages applied (not stored before).
///
/// # Errors
/// The first [`FileError`]; the caller rolls back.
pub async fn apply_file_in(
    tx: &mut sqlx::AnyConnection,
    bytes: &[u8],
    opts: &ReadOptions,
) -> Result<usize, FileError> {
    let mut applied = 0;
    for (i, raw) in bedside_pix::batch::split(bytes)?.iter().enumerate() {
        let index = i + 1;
        let msg = Message::parse(raw).map_err(|error| FileError::Parse { index, error })?;
        let read =
            read_order_message(&msg, opts).map_err(|error| FileError::Read { index, error })?;
        match store(tx, &MessageSource::of(&msg), &read, &digest(raw)).await {
            Ok(true) => applied += 1,
            Ok(false) => {}
            Err(Refusal::Order(order, error)) => {
                return Err(FileError::Refused {
                    index,
                    order,
                    error,
                });
            }
            Err(Refusal::Apply(ApplyError::Store(e))) => return Err(FileError::Db(e)),
            Err(Refusal::Apply(ApplyError::ControlIdReused)) => {
                return Err(FileError::ControlIdReused { index });
            }
        }
    }
    Ok(applied)
}

/// Applies order deliveries in arrival order, one at a time.
pub fn spawn(db: Db, opts: ReadOptions, mut rx: tokio::sync::mpsc::Receiver<OrderDelivery>) {
    let opts = Arc::new(opts);
    tokio::spawn(async move {
        while let Some(delivery) = rx.recv().await {
            decide(&db, &opts, delivery).await;
        }
    });
}
