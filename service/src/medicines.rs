//! Medicines administration check (five rights) and recording.
