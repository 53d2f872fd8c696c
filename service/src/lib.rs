//! The Bedside positive patient identification service.
//!
//! `bedside serve` runs an axum HTTP service over SQLite or PostgreSQL (sqlx, both
//! backends). A nurse's scanner posts a wristband scan to `POST /v1/identify`; the service
//! parses it with `bedside-gs1`, checks the band with `bedside-patient`, resolves it through
//! the local identity index and, when configured, the regional PIX manager (`bedside-pix`),
//! and answers `match` only for exactly one verified NHS number. Every decision is written
//! to the hash-chained audit trail; ordinary logs never carry patient data.
//!
//! Modules:
//! - [`config`]: command line + environment + JSON file configuration;
//! - [`db`]: connection (SQLite or PostgreSQL through `sqlx::Any`) and embedded migrations;
//! - [`audit`]: append-only hash-chained audit trail and its verifier;
//! - [`audit_fhir`]: the audit trail as FHIR R4 `AuditEvent` resources;
//! - [`identify`]: the identification decision (outcome types, resolver);
//! - [`import`], [`import_hl7`]: bulk CSV and HL7 v2 ADT file import of patients and
//!   hospital numbers for go-live;
//! - [`medicines`]: the five-rights administration check and recording;
//! - [`feed`]: the ITI-8/ITI-10 listener feeding the local identity index;
//! - [`outbox`]: the durable outbox and its sender (HL7 v2.5 `RAS^O17` to the EPR);
//! - [`notify`]: cache invalidation across instances (PostgreSQL `LISTEN`/`NOTIFY`);
//! - [`patients`]: reading a patient's record (for wristbands);
//! - [`demo`]: the demo data set (patients, bands, staff, medicines, tokens) and seeding;
//! - [`server`]: router, authentication, problem details, metrics, OpenAPI;
//! - [`tokens`]: API token management (create, list, revoke);
//! - [`sessions`]: browser sessions of signed-in people (cookie, CSRF token, idle and
//!   absolute ends, hand-over);
//! - [`users`]: the people who sign in: linked badges, hand-over PINs, the hand-over;
//! - [`sqlite_direct`]: synchronous SQLite connections for the identify hot path;
//! - [`crypto`], [`clock`]: SHA-256 helpers, token secrets, and time.
#![forbid(unsafe_code)]

pub mod administrations;
pub mod allergies;
pub mod audit;
pub mod audit_fhir;
pub mod camera;
pub mod catalogue;
pub mod catalogue_import;
pub mod chart;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod feed;
pub mod feed_orders;
pub mod identify;
pub mod import;
pub mod import_hl7;
pub mod locations;
pub mod medicines;
pub mod notify;
pub mod oidc;
pub mod orders;
pub mod outbox;
pub mod patients;
pub mod recalls;
pub mod server;
pub mod sessions;
pub mod sqlite_direct;
pub mod staff;
pub mod tokens;
pub mod users;
