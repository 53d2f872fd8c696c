//! GS1 Application Identifier syntax for Bedside.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod error;

pub use error::ErrorClass;
