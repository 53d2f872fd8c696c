//! NHSBSA dm+d weekly release reader.
#![forbid(unsafe_code)]
