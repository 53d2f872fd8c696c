//! The problem codes, the rights they belong to, their severities, and the override
//! reasons that may answer them. Every serialised name is a contract
//! (`problems[].code`, `override_reasons`, `POST /v1/administrations`'s `override_reason`).

use serde::{Deserialize, Serialize};

use crate::names::named_enum;

named_enum! {
    /// How serious a problem is.
    pub enum Severity {
        /// Never give.
        Block = "block",
        /// Give only with an override reason.
        Warn = "warn",
    }
}

named_enum! {
    /// Which right (or safety check) a problem is about.
    pub enum Right {
        /// Right patient.
        Patient = "patient",
        /// Right medicine.
        Medicine = "medicine",
        /// Right dose.
        Dose = "dose",
        /// Right route.
        Route = "route",
        /// Right time.
        Time = "time",
        /// The pack: expiry, recall, serial.
        Product = "product",
        /// The giver and the second checker.
        Staff = "staff",
        /// What is recorded (the location).
        Documentation = "documentation",
    }
}

macro_rules! problem_codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $right:ident, $severity:ident; )*) => {
        /// Every problem the check can find. Each serialises as its name in the table
        /// below (named explicitly: `max_24h_reached` is not what a case rule makes of
        /// `Max24hReached`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum ProblemCode {
            $( $(#[$doc])* #[serde(rename = $name)] $variant, )*
        }

        impl ProblemCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$variant),*];

            /// The stable snake_case name (the serialised form).
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $(ProblemCode::$variant => $name,)* }
            }

            /// The right it is about.
            #[must_use]
            pub const fn right(self) -> Right {
                match self { $(ProblemCode::$variant => Right::$right,)* }
            }

            /// Block (never give) or warn (give only with an override reason).
            #[must_use]
            pub const fn severity(self) -> Severity {
                match self { $(ProblemCode::$variant => Severity::$severity,)* }
            }

            /// The code a name stands for.
            #[must_use]
            pub fn parse(s: &str) -> Option<ProblemCode> {
                ProblemCode::ALL.iter().copied().find(|c| c.as_str() == s)
            }
        }
    };
}

impl PartialEq<&str> for ProblemCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for ProblemCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

problem_codes! {
    /// The wristband did not identify the patient (the reasons say why).
    PatientNotConfirmed = "patient_not_confirmed", Patient, Block;
    /// The staff scan is not a badge.
    NotAStaffBadge = "not_a_staff_badge", Staff, Block;
    /// The giver's badge is not registered.
    UnknownStaff = "unknown_staff", Staff, Block;
    /// The checker scan is not a badge.
    CheckerNotAStaffBadge = "checker_not_a_staff_badge", Staff, Block;
    /// The checker is the giver.
    CheckerSameAsGiver = "checker_same_as_giver", Staff, Block;
    /// The checker's badge is not registered.
    UnknownChecker = "unknown_checker", Staff, Block;
    /// A signed-in person's check names a second checker by badge without the checker's
    /// PIN (a badge alone can be copied).
    CheckerPinRequired = "checker_pin_required", Staff, Block;
    /// The second checker's PIN is wrong.
    CheckerPinIncorrect = "checker_pin_incorrect", Staff, Block;
    /// The second checker's badge is locked after too many wrong PINs.
    CheckerPinLocked = "checker_pin_locked", Staff, Block;
    /// The second checker cannot confirm with a PIN: nobody linked the badge, or its
    /// owner set no PIN.
    CheckerCannotConfirm = "checker_cannot_confirm", Staff, Block;
    /// The caller's token is tied to a badge and the giver's badge scanned is another
    /// one: someone else's badge may only be scanned as the second checker.
    StaffNotTokenHolder = "staff_not_token_holder", Staff, Block;
    /// The location scanned is not registered.
    UnknownLocation = "unknown_location", Documentation, Warn;
    /// The product scan is not a medicine pack.
    NotAMedicinePack = "not_a_medicine_pack", Medicine, Block;
    /// The pack's barcode has no expiry.
    ExpiryNotInBarcode = "expiry_not_in_barcode", Product, Warn;
    /// The pack has expired.
    Expired = "expired", Product, Block;
    /// The batch is recalled.
    BatchRecalled = "batch_recalled", Product, Block;
    /// The batch has a safety notice.
    BatchWarning = "batch_warning", Product, Warn;
    /// No batch, and some batch of the product is recalled.
    BatchUnknownProductRecalled = "batch_unknown_product_recalled", Product, Block;
    /// No batch: the recall list cannot be checked.
    BatchNotInBarcode = "batch_not_in_barcode", Product, Warn;
    /// This pack's serial was already used for a dose.
    SerialAlreadyUsed = "serial_already_used", Product, Block;
    /// The GTIN is not in the catalogue.
    UnknownProduct = "unknown_product", Medicine, Block;
    /// dm+d marks the pack, product or VMP invalid.
    InvalidProduct = "invalid_product", Medicine, Block;
    /// No single exact strength per handled unit: the dose cannot be checked.
    StrengthUnknown = "strength_unknown", Dose, Block;
    /// A high-risk medicine without a second checker.
    SecondCheckerRequired = "second_checker_required", Staff, Block;
    /// The named order is not this patient's.
    OrderNotForPatient = "order_not_for_patient", Patient, Block;
    /// No active order for the medicine.
    NoActiveOrder = "no_active_order", Medicine, Block;
    /// Several active orders: the caller must name one.
    ChooseOrder = "choose_order", Medicine, Block;
    /// The order is for another medicine.
    WrongMedicine = "wrong_medicine", Medicine, Block;
    /// The order is stopped, suspended, not started or ended.
    OrderNotActive = "order_not_active", Medicine, Block;
    /// Strength × quantity is not the prescribed dose.
    WrongDose = "wrong_dose", Dose, Block;
    /// Not the prescribed route.
    WrongRoute = "wrong_route", Route, Block;
    /// The product is not for the prescribed route.
    ProductRouteMismatch = "product_route_mismatch", Route, Block;
    /// A regular order without valid times.
    NoSchedule = "no_schedule", Time, Block;
    /// Two scheduled times fall on one instant (clocks going forward).
    ClockChange = "clock_change", Time, Warn;
    /// Before the due window.
    TooEarly = "too_early", Time, Warn;
    /// After the due window.
    TooLate = "too_late", Time, Warn;
    /// This dose was already recorded.
    AlreadyGiven = "already_given", Time, Block;
    /// Less than half the order's shortest gap since the last dose of the medicine.
    TooSoonAfterLastDose = "too_soon_after_last_dose", Time, Warn;
    /// Within an as-needed order's minimum interval.
    PrnTooSoon = "prn_too_soon", Time, Block;
    /// An as-needed order's 24-hour maximum reached.
    Max24hReached = "max_24h_reached", Time, Block;
    /// The patient has an active allergy to an ingredient or excipient of the product, or
    /// to its VTM. About the right medicine, not the right patient: the patient is who
    /// the band says; it is this medicine that is wrong for them.
    Allergy = "allergy", Medicine, Block;
    /// The patient has no allergy statement at all (not even "no known drug allergy"): the
    /// medicine cannot be cleared against their allergies. About the right medicine for
    /// the same reason as `allergy`.
    AllergiesNotRecorded = "allergies_not_recorded", Medicine, Warn;
}

named_enum! {
    /// The reasons a nurse may give for recording a dose despite warnings.
    pub enum OverrideReason {
        /// The prescriber was consulted.
        PrescriberConsulted = "prescriber_consulted",
        /// A documented clinical need (answers every warning).
        ClinicalNeedDocumented = "clinical_need_documented",
        /// The timing was agreed with the prescriber.
        TimingAgreedWithPrescriber = "timing_agreed_with_prescriber",
        /// The recall notice was checked.
        RecallNoticeChecked = "recall_notice_checked",
        /// The expiry was checked on the pack.
        ExpiryCheckedOnPack = "expiry_checked_on_pack",
        /// Allergies were checked with the patient (or their carer) before giving.
        AllergiesCheckedWithPatient = "allergies_checked_with_patient",
    }
}

impl OverrideReason {
    /// The reason in words, as the ward sees it (the web UI's labels; FHIR
    /// `MedicationAdministration.note`).
    ///
    /// ```
    /// use bedside_ward::medicines::OverrideReason;
    /// assert_eq!(OverrideReason::RecallNoticeChecked.words(), "Recall notice checked");
    /// ```
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            OverrideReason::PrescriberConsulted => "Prescriber consulted",
            OverrideReason::ClinicalNeedDocumented => "Clinical need documented",
            OverrideReason::TimingAgreedWithPrescriber => "Timing agreed with the prescriber",
            OverrideReason::RecallNoticeChecked => "Recall notice checked",
            OverrideReason::ExpiryCheckedOnPack => "Expiry checked on the pack",
            OverrideReason::AllergiesCheckedWithPatient => "Allergies checked with the patient",
        }
    }

    /// Whether this reason answers a problem. A documented clinical need answers every
    /// warning (the universal fallback, so a dose with warnings of several kinds can
    /// always be recorded with a reason); the others answer only the warnings they are
    /// about: the prescriber for timing and documentation, the recall notice for batch
    /// warnings, the pack for a missing expiry, asking the patient for allergies not
    /// recorded. No reason answers a block.
    #[must_use]
    pub fn answers(self, code: ProblemCode) -> bool {
        use ProblemCode::*;
        if code.severity() == Severity::Block {
            return false;
        }
        let time = matches!(
            code,
            TooEarly | TooLate | ClockChange | TooSoonAfterLastDose
        );
        match self {
            OverrideReason::ClinicalNeedDocumented => true,
            OverrideReason::PrescriberConsulted => time || code == UnknownLocation,
            OverrideReason::TimingAgreedWithPrescriber => time,
            OverrideReason::RecallNoticeChecked => matches!(code, BatchWarning | BatchNotInBarcode),
            OverrideReason::ExpiryCheckedOnPack => code == ExpiryNotInBarcode,
            OverrideReason::AllergiesCheckedWithPatient => code == AllergiesNotRecorded,
        }
    }
}

/// Whether override reason `reason` answers the warning `code`, by name (unknown names
/// answer nothing).
///
/// ```
/// use bedside_ward::medicines::override_answers;
/// assert!(override_answers("recall_notice_checked", "batch_warning"));
/// assert!(!override_answers("recall_notice_checked", "too_early"));
/// assert!(override_answers("clinical_need_documented", "expiry_not_in_barcode"));
/// assert!(!override_answers("made_up", "too_early"));
/// ```
#[must_use]
pub fn override_answers(reason: &str, code: &str) -> bool {
    match (OverrideReason::parse(reason), ProblemCode::parse(code)) {
        (Some(r), Some(c)) => r.answers(c),
        _ => false,
    }
}
