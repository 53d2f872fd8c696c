//! Damaged-image tests.
