//! The audit trail's rules: what each row's facts are (typed, per action), the canonical
//! form a row is hashed in, and the hash chain that makes a removed or altered row show.
//!
//! A row is `(seq, at, actor, action, detail, prev_hash, hash)`, where `detail` is the
//! facts as JSON and `hash = SHA-256(canonical(seq, at, actor, action, detail,
//! prev_hash))` in lowercase hex; the first row's `prev_hash` is [`GENESIS`]. The store
//! writes and reads rows; [`ChainCheck`] judges them.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::identify::IdentifyFacts;
use crate::medicines::CheckFacts;

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical content hashed for one row.
///
/// ```
/// assert_eq!(bedside_ward::audit::canonical(1, 2, "a", "b", "{}", "p"), "1\n2\na\nb\n{}\np");
/// ```
#[must_use]
pub fn canonical(seq: i64, at: i64, actor: &str, action: &str, detail: &str, prev: &str) -> String {
    format!("{seq}\n{at}\n{actor}\n{action}\n{detail}\n{prev}")
}

/// Lower-case hex of bytes.
///
/// ```
/// assert_eq!(bedside_ward::audit::hex(&[0x0f, 0xa0]), "0fa0");
/// ```
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// Lower-case hex SHA-256.
#[must_use]
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// A row's hash: SHA-256 of its [`canonical`] form.
#[must_use]
pub fn row_hash(seq: i64, at: i64, actor: &str, action: &str, detail: &str, prev: &str) -> String {
    sha256_hex(canonical(seq, at, actor, action, detail, prev).as_bytes())
}

/// One stored row, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct RowRef<'a> {
    /// Sequence number (1, 2, …).
    pub seq: i64,
    /// Unix ms.
    pub at: i64,
    /// Who.
    pub actor: &'a str,
    /// What.
    pub action: &'a str,
    /// The facts, as stored.
    pub detail: &'a str,
    /// The previous row's hash.
    pub prev_hash: &'a str,
    /// This row's hash.
    pub hash: &'a str,
}

/// The first broken link found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    /// The row at fault (or the head's sequence number).
    pub seq: i64,
    /// What is wrong.
    pub reason: String,
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Rows checked.
    pub rows: i64,
    /// True when every link holds and the head matches the last row.
    pub ok: bool,
    /// The first broken link.
    pub first_broken: Option<BrokenLink>,
}

/// Checks rows in sequence order, one at a time (so a store can page through them).
///
/// ```
/// use bedside_ward::audit::{ChainCheck, RowRef, GENESIS, row_hash};
/// let h1 = row_hash(1, 10, "a", "x", "{}", GENESIS);
/// let mut c = ChainCheck::default();
/// assert!(c.push(RowRef { seq: 1, at: 10, actor: "a", action: "x", detail: "{}", prev_hash: GENESIS, hash: &h1 }).is_ok());
/// assert!(c.finish(1, &h1).ok);
/// assert!(!ChainCheck::default().finish(1, &h1).ok, "rows removed at the end");
/// ```
#[derive(Debug, Clone)]
pub struct ChainCheck {
    rows: i64,
    expected_prev: String,
    expected_seq: i64,
    last_seq: i64,
}

impl Default for ChainCheck {
    fn default() -> Self {
        ChainCheck {
            rows: 0,
            expected_prev: GENESIS.to_owned(),
            expected_seq: 1,
            last_seq: 0,
        }
    }
}

impl ChainCheck {
    /// The next sequence number expected (where a store's next page starts).
    #[must_use]
    pub fn next_seq(&self) -> i64 {
        self.expected_seq
    }

    /// Checks the next row.
    ///
    /// # Errors
    /// The report of the first broken link (stop there).
    pub fn push(&mut self, r: RowRef<'_>) -> Result<(), VerifyReport> {
        let broken = |seq: i64, reason: String| VerifyReport {
            rows: self.rows,
            ok: false,
            first_broken: Some(BrokenLink { seq, reason }),
        };
        if r.seq != self.expected_seq {
            return Err(broken(
                self.expected_seq,
                format!("row {} is missing", self.expected_seq),
            ));
        }
        if r.prev_hash != self.expected_prev {
            return Err(broken(
                r.seq,
                "prev_hash does not equal the previous row's hash".into(),
            ));
        }
        if row_hash(r.seq, r.at, r.actor, r.action, r.detail, r.prev_hash) != r.hash {
            return Err(broken(
                r.seq,
                "content does not match its hash (row altered)".into(),
            ));
        }
        self.rows += 1;
        r.hash.clone_into(&mut self.expected_prev);
        self.expected_seq = r.seq + 1;
        self.last_seq = r.seq;
        Ok(())
    }

    /// The verdict once every row was pushed, against the chain's recorded head.
    #[must_use]
    pub fn finish(self, head_seq: i64, head_hash: &str) -> VerifyReport {
        if head_seq != self.last_seq || head_hash != self.expected_prev {
            return VerifyReport {
                rows: self.rows,
                ok: false,
                first_broken: Some(BrokenLink {
                    seq: head_seq,
                    reason: "chain head does not match the last row (rows removed at the end?)"
                        .into(),
                }),
            };
        }
        VerifyReport {
            rows: self.rows,
            ok: true,
            first_broken: None,
        }
    }
}

/// What an identity feed message did to the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedEventKind {
    /// A01/A04/A05/A28: identifiers linked.
    Link,
    /// A08/A31: the links replaced.
    Update,
    /// A40: identifiers merged away.
    Merge,
    /// Understood, nothing to change.
    Ignored,
}

/// The facts of a catalogue change: a dm+d release loaded (action `catalogue.import`), or
/// the trust's local pack list (`catalogue.local_products`) or high-risk list
/// (`catalogue.high_risk`) replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueFacts {
    /// The dm+d release (`YYYY-MM-DD`), for a release load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// Rows loaded, by kind (`vtm`, `vmp`, … or `products`, `medicines`).
    pub counts: std::collections::BTreeMap<String, u64>,
}

/// The facts of an identity index change: a feed message (action `index.feed`) or a
/// go-live import (`index.import`). Fields a change does not have are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexFacts {
    /// Feed: what the message did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<FeedEventKind>,
    /// Feed: MSH-10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_id: Option<String>,
    /// Feed: the sender, MSH-3|MSH-4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Import: `csv` or `hl7`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Import: messages read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<u64>,
    /// Import: patients loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patients: Option<u64>,
    /// Import: merges applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merges: Option<u64>,
    /// Feed link/update: the hospital numbers linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mrns: Option<Vec<String>>,
    /// NHS numbers linked (feed link/update, import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_numbers: Option<Vec<String>>,
    /// Feed link/update: NHS numbers refused (modulus 11, test range).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_nhs_numbers: Option<u64>,
    /// Merge: the hospital numbers merged away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsumed_mrns: Option<Vec<String>>,
    /// Merge: the NHS numbers merged away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsumed_nhs_numbers: Option<Vec<String>>,
    /// Merge: the surviving hospital number (`null` when the message named none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survivor_mrn: Option<Option<String>>,
    /// Merge: the surviving NHS numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survivor_nhs_numbers: Option<Vec<String>>,
}

/// The facts of a wristband made or printed (actions `wristband.made`,
/// `wristband.printed`): whose band it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WristbandFacts {
    /// The band's NHS number.
    pub nhs_number: String,
}

/// The patient of an action on their record (the action's other facts are its own).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RecordFacts {
    /// The patient's NHS number (`null` when a read found no record).
    #[serde(default)]
    pub nhs_number: Option<String>,
}

/// A row's facts, read back by action: what the FHIR export and any other reader of the
/// trail use instead of looking up JSON keys by name.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    /// `identify`.
    Identify(Box<IdentifyFacts>),
    /// `administration.verify`, `administration.recorded`, `administration.refused`.
    Check(Box<CheckFacts>),
    /// `index.feed`, `index.import`.
    Index(Box<IndexFacts>),
    /// `wristband.made`, `wristband.printed`.
    Wristband(WristbandFacts),
    /// A patient's record written or read: `orders.feed`, `orders.fhir`, `orders.read`,
    /// `allergies.fhir`, `allergies.read`, `patient.medications.read`,
    /// `administration.entered_in_error`.
    Record(RecordFacts),
    /// Any other action (no patient in its facts).
    Other,
}

impl Fact {
    /// Reads a stored row's facts.
    ///
    /// # Errors
    /// The detail does not have the shape its action's facts have (the row is then not
    /// read as naming no patient: the caller must say it could not be read).
    pub fn read(action: &str, detail: &str) -> Result<Fact, serde_json::Error> {
        Ok(match action {
            "identify" => Fact::Identify(Box::new(serde_json::from_str(detail)?)),
            "administration.verify" | "administration.recorded" | "administration.refused" => {
                Fact::Check(Box::new(serde_json::from_str(detail)?))
            }
            "index.feed" | "index.import" => Fact::Index(Box::new(serde_json::from_str(detail)?)),
            "wristband.made" | "wristband.printed" => {
                Fact::Wristband(serde_json::from_str(detail)?)
            }
            "orders.feed"
            | "orders.fhir"
            | "orders.read"
            | "allergies.fhir"
            | "allergies.read"
            | "patient.medications.read"
            | "administration.entered_in_error" => Fact::Record(serde_json::from_str(detail)?),
            _ => Fact::Other,
        })
    }

    /// The NHS numbers the row is about, in a stable order, well-formed ones only.
    #[must_use]
    pub fn patients(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |s: &str| {
            if !s.is_empty() && !out.iter().any(|x| x == s) {
                out.push(s.to_owned());
            }
        };
        match self {
            Fact::Identify(f) => f.nhs_numbers().into_iter().for_each(&mut push),
            Fact::Check(f) => {
                if let Some(n) = &f.nhs_number {
                    push(n);
                }
                f.identify.nhs_numbers().into_iter().for_each(&mut push);
            }
            Fact::Index(f) => [
                &f.nhs_numbers,
                &f.survivor_nhs_numbers,
                &f.subsumed_nhs_numbers,
            ]
            .into_iter()
            .flatten()
            .flatten()
            .for_each(|n| push(n)),
            Fact::Wristband(f) => push(&f.nhs_number),
            Fact::Record(f) => {
                if let Some(n) = &f.nhs_number {
                    push(n);
                }
            }
            Fact::Other => {}
        }
        out.retain(|n| n.len() == 10 && n.bytes().all(|b| b.is_ascii_digit()));
        out
    }
}
