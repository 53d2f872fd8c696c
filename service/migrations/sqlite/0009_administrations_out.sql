-- What was given, as the catalogue and the order said at the time of the record (later dm+d
-- releases rename, replace or invalidate products; the record must not change with them),
-- and the correction of a record: entered in error (kept, never deleted; the patient's
-- record elsewhere is told by the outbox). NULL medicine columns: rows recorded before
-- version 9, when only the GTIN was kept.
ALTER TABLE administrations ADD COLUMN medicine_level TEXT;
ALTER TABLE administrations ADD COLUMN medicine_id TEXT;
ALTER TABLE administrations ADD COLUMN medicine_name TEXT;
ALTER TABLE administrations ADD COLUMN dose_unit TEXT;
ALTER TABLE administrations ADD COLUMN route TEXT;
ALTER TABLE administrations ADD COLUMN entered_in_error_at BIGINT;
ALTER TABLE administrations ADD COLUMN entered_in_error_by TEXT;
ALTER TABLE administrations ADD COLUMN entered_in_error_reason TEXT;
-- When the record last changed (given_at, or when it was marked entered in error): FHIR's
-- meta.lastUpdated and the _lastUpdated search.
ALTER TABLE administrations ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE administrations SET updated_at = given_at;
UPDATE administrations SET
    route = (SELECT o.route FROM orders o WHERE o.id = administrations.order_id),
    dose_unit = (SELECT o.dose_unit FROM orders o WHERE o.id = administrations.order_id);
CREATE INDEX administrations_patient_updated ON administrations (nhs_number, updated_at);
