//! FHIR R4 UK Core `MedicationRequest` and `AllergyIntolerance`.
