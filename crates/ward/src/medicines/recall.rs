//! Medicine recalls as the check reads them: the MHRA class, the notice a scanned pack
//! falls under, which of several applies, and the words the nurse sees.
//!
//! A recall names products (a GTIN, an AMPP or an AMP; the service resolves the last two to
//! GTINs in the current dm+d release) and batches. No batches means every batch of the
//! products. Batches are compared as [`batch_key`] makes them: trimmed and ASCII
//! upper-cased, so a batch typed from a notice in another case still matches the pack
//! (a wider match only ever stops more packs, never fewer).

use serde::{Deserialize, Serialize};

use crate::names::named_enum;

named_enum! {
    /// The MHRA class of a medicines recall or notification.
    pub enum RecallClass {
        /// Class 1: immediate recall (issued as a National Patient Safety Alert).
        One = "1",
        /// Class 2: recall within 48 hours.
        Two = "2",
        /// Class 3: recall within 5 days.
        Three = "3",
        /// Class 4: caution in use (no recall).
        Four = "4",
        /// A caution-in-use notification given without a class number.
        Caution = "caution",
    }
}

named_enum! {
    /// What a recall does to a scanned pack it covers.
    pub enum RecallAction {
        /// Do not give (a block: cannot be overridden).
        Block = "block",
        /// Check before giving (a warning: needs `recall_notice_checked`).
        Warn = "warn",
    }
}

impl RecallClass {
    /// The class as people read it: `Class 2`, `Caution in use`.
    #[must_use]
    pub fn display(self) -> &'static str {
        match self {
            RecallClass::One => "Class 1",
            RecallClass::Two => "Class 2",
            RecallClass::Three => "Class 3",
            RecallClass::Four => "Class 4",
            RecallClass::Caution => "Caution in use",
        }
    }
}

/// The form a batch is compared in: trimmed, ASCII upper-cased.
///
/// ```
/// assert_eq!(bedside_ward::medicines::batch_key(" b123 "), "B123");
/// ```
#[must_use]
pub fn batch_key(batch: &str) -> String {
    batch.trim().to_ascii_uppercase()
}

/// The notice a pack falls under, as the check quotes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallNotice {
    /// The notice reference, e.g. `EL(26)A/01`.
    pub reference: String,
    /// The MHRA class; `None` for a recall carried over from the list before classes were
    /// recorded.
    pub class: Option<RecallClass>,
    /// The recall names no batches: every batch of the product is covered.
    pub every_batch: bool,
}

impl RecallNotice {
    /// `EL(26)A/01 (Class 2)`.
    #[must_use]
    pub fn quoted(&self) -> String {
        let class = self
            .class
            .map_or("class not recorded", RecallClass::display);
        format!("{} ({class})", self.reference)
    }
}

/// One active recall that covers the scanned pack's GTIN, as the service read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecallCandidate {
    /// The recall's id (the tie-break: the older notice first).
    pub id: i64,
    /// Reference.
    pub reference: String,
    /// Class.
    pub class: Option<RecallClass>,
    /// Block or warn.
    pub action: RecallAction,
    /// The batches named, as [`batch_key`]s; empty means every batch.
    pub batches: Vec<String>,
}

impl RecallCandidate {
    fn notice(&self) -> RecallNotice {
        RecallNotice {
            reference: self.reference.clone(),
            class: self.class,
            every_batch: self.batches.is_empty(),
        }
    }

    /// Order of precedence: blocks first, then the more serious class (1 before 4, an
    /// unrecorded class first of all: it may be anything), then the older recall.
    fn rank(&self) -> (u8, u8, i64) {
        let action = match self.action {
            RecallAction::Block => 0,
            RecallAction::Warn => 1,
        };
        let class = match self.class {
            None => 0,
            Some(RecallClass::One) => 1,
            Some(RecallClass::Two) => 2,
            Some(RecallClass::Three) => 3,
            Some(RecallClass::Four) => 4,
            Some(RecallClass::Caution) => 5,
        };
        (action, class, self.id)
    }
}

/// What the recall list says about the pack's batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recall {
    /// Do not give.
    Block {
        /// The notice.
        notice: RecallNotice,
    },
    /// A safety notice: check before giving.
    Warn {
        /// The notice.
        notice: RecallNotice,
    },
}

/// Which recall applies to a pack: `batch` is the pack's batch (AI 10), `candidates` the
/// active recalls covering its GTIN. With a batch: the first by precedence (blocks, then
/// class, then age) whose batches include it or that names none. Without one: `None` and,
/// second, the first blocking recall of any batch (the pack in hand may be one of them).
#[must_use]
pub fn select_recall(
    batch: Option<&str>,
    candidates: &[RecallCandidate],
) -> (Option<Recall>, Option<RecallNotice>) {
    let mut sorted: Vec<&RecallCandidate> = candidates.iter().collect();
    sorted.sort_by_key(|c| c.rank());
    match batch {
        Some(b) => {
            let key = batch_key(b);
            let hit = sorted
                .into_iter()
                .find(|c| c.batches.is_empty() || c.batches.contains(&key));
            (
                hit.map(|c| match c.action {
                    RecallAction::Block => Recall::Block { notice: c.notice() },
                    RecallAction::Warn => Recall::Warn { notice: c.notice() },
                }),
                None,
            )
        }
        None => (
            None,
            sorted
                .into_iter()
                .find(|c| c.action == RecallAction::Block)
                .map(RecallCandidate::notice),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(
        id: i64,
        class: Option<RecallClass>,
        action: RecallAction,
        batches: &[&str],
    ) -> RecallCandidate {
        RecallCandidate {
            id,
            reference: format!("R{id}"),
            class,
            action,
            batches: batches.iter().map(|b| batch_key(b)).collect(),
        }
    }

    #[test]
    fn a_listed_batch_matches_in_any_case_and_others_do_not() {
        let c = [cand(
            1,
            Some(RecallClass::Two),
            RecallAction::Block,
            &["B123"],
        )];
        assert!(matches!(
            select_recall(Some("b123"), &c),
            (Some(Recall::Block { .. }), None)
        ));
        assert_eq!(select_recall(Some("B124"), &c), (None, None));
    }

    #[test]
    fn no_batches_means_every_batch() {
        let c = [cand(1, Some(RecallClass::One), RecallAction::Block, &[])];
        let (r, _) = select_recall(Some("ANY"), &c);
        let Some(Recall::Block { notice }) = r else {
            panic!("{r:?}")
        };
        assert!(notice.every_batch);
        assert_eq!(notice.quoted(), "R1 (Class 1)");
    }

    #[test]
    fn a_block_wins_over_a_warning_then_the_more_serious_class() {
        let c = [
            cand(1, Some(RecallClass::Four), RecallAction::Warn, &[]),
            cand(2, Some(RecallClass::Three), RecallAction::Block, &[]),
            cand(3, Some(RecallClass::Two), RecallAction::Block, &["X"]),
        ];
        let (r, _) = select_recall(Some("X"), &c);
        assert_eq!(
            r,
            Some(Recall::Block {
                notice: RecallNotice {
                    reference: "R3".into(),
                    class: Some(RecallClass::Two),
                    every_batch: false,
                }
            })
        );
    }

    #[test]
    fn without_a_batch_only_a_block_is_reported() {
        let warn = [cand(1, Some(RecallClass::Four), RecallAction::Warn, &["X"])];
        assert_eq!(select_recall(None, &warn), (None, None));
        let block = [cand(2, None, RecallAction::Block, &["X"])];
        let (_, product) = select_recall(None, &block);
        assert_eq!(
            product.map(|n| n.quoted()),
            Some("R2 (class not recorded)".to_owned())
        );
    }
}
