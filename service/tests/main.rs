//! The service's integration tests, as one test binary.
//!
//! Each file beside this one is a module of it (`feed.rs` is `feed`, so a test is
//! named `feed::reused_control_id::postgres`). One binary instead of one per file: the
//! service and its dependencies are linked once rather than thirty times, which is most
//! of the tests' build time and disk (`cargo test -p bedside --test service feed::`
//! runs one file's tests).

#[macro_use]
mod common;

mod allergy_check;
mod amount_cap;
mod api_fuzz;
mod audit_events;
mod audit_fhir;
mod audit_group_commit;
mod catalogue;
mod decode;
mod demo_orders;
mod dose_timing;
mod entered_in_error;
mod feed;
mod feed_orders;
mod fhir_administrations;
mod fhir_allergies;
mod fhir_orders;
mod gs1_cli;
mod hostile;
mod identify;
mod import_hl7;
mod local_time;
mod medications;
mod medicines;
mod oidc;
mod openapi;
mod outbox;
mod pharmacy_scenarios;
mod pix;
mod pix_cli;
mod recalls;
mod registers;
mod scanner_cli;
mod service_cli;
mod sessions;
mod sqlite_direct;
mod tls;
mod tokens;
mod webui;
mod wristbands;
