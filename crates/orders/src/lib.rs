//! Prescriptions and allergies in, read into typed values.
//!
//! The EPMA (electronic prescribing) sends orders as HL7 v2.5 `RDE^O11` (or `OMP^O09`)
//! or as FHIR R4 UK Core `MedicationRequest`; the EPR sends allergies as `AL1` segments
//! in ADT messages or as FHIR `AllergyIntolerance`. This crate reads each into the one
//! model in [`model`], or says exactly which segment and field (HL7) or which element
//! (FHIR) broke which rule. It does no I/O and knows nothing about the database: the
//! service stores what it returns, and `bedside-ward` judges doses against it.
//!
//! One resource goes the other way: a dose the ward recorded, written as FHIR UK Core
//! `MedicationAdministration` for the EPR ([`fhir::write_medication_administration`]).
//! The way back out is [`hl7_out`]: a recorded administration as an HL7 v2.5 `RAS^O17`
//! for the EPR, built by a pure function with every text value escaped.
#![forbid(unsafe_code)]

pub mod fhir;
pub mod hl7;
pub mod hl7_out;
pub mod model;
