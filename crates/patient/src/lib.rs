//! bedside-patient
