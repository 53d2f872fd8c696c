//! Patient identifiers and demographics for positive patient identification (PPID) in NHS
//! hospitals. No I/O.
//!
//! What this crate owns:
//!
//! - [`NhsNumber`]: the 10-digit NHS number (and the CHI and H&C numbers that share its
//!   format and modulus-11 check), with the test-range policy [`TestData`].
//! - [`HospitalNumber`]: a local hospital number (MRN) together with its
//!   [`AssigningAuthority`].
//! - [`DomainTable`]: the one table mapping each identifier domain to its OID, FHIR system
//!   URI(s) and HL7 v2 namespace / identifier type code. Aliases in, one canonical form out.
//! - [`Wristband`]: the DCB1077 / GS1 patient wristband view built from `(AI, value)` pairs
//!   (GSRN 8018 with the embedded NHS number, SRIN 8019, DCB1077 internal AIs 91-93 and the
//!   GS1 person AIs 7250-7259).
//! - [`Demographics`]: family name, given name, date of birth and sex, the NPSA display rules
//!   and the strict (never fuzzy) comparison used for confirmation ([`NameKey`]).
//! - [`synthetic`]: a deterministic generator of synthetic patients with 999-range NHS
//!   numbers for demos and tests.
//!
//! Every check fails closed: anything doubtful is an error with a typed reason, never a guess.
//!
//! ```
//! use bedside_patient::{NhsNumber, TestData};
//!
//! let nhs = NhsNumber::parse("943 476 5919", TestData::Reject)?;
//! assert_eq!(nhs.to_string(), "943 476 5919");
//! assert_eq!(nhs.as_str(), "9434765919");
//! // The 999 range is reserved for testing and is refused unless the caller allows it.
//! assert!(NhsNumber::parse("9990001235", TestData::Reject).is_err());
//! assert!(NhsNumber::parse("9990001235", TestData::Allow)?.is_test());
//! # Ok::<(), bedside_patient::NhsNumberError>(())
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod date;
mod demographics;
mod domain;
mod fold;
mod gsrn;
mod mrn;
mod nhs;
mod text;
mod wristband;

pub mod synthetic;

pub use date::{BirthTime, Date, DateError, DateOfBirth};
pub use demographics::{
    Confirmation, Demographics, Field, NameKey, Sex, SexError, title_case, upper_case,
};
pub use domain::{
    AssigningAuthority, DomainError, DomainLookupError, DomainTable, IdentifierDomain,
    IdentifierTypeCode, Oid,
};
pub use gsrn::{Gsrn, GsrnError, GsrnPrefix, NhsGsrn, parse_gsrn};
pub use mrn::{HospitalNumber, HospitalNumberError};
pub use nhs::{IssuingRange, NhsNumber, NhsNumberError, TestData};
pub use text::{TextError, percent_decode, percent_encode};
pub use wristband::{
    BirthSequence, InternalAi, Policy, PolicyError, ValueError, Wristband, WristbandError,
};

#[cfg(feature = "serde")]
pub use nhs::allow_test_data;
