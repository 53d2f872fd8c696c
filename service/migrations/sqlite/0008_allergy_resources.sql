-- The FHIR AllergyIntolerance resources Bedside holds, kept for GET: an allergy (whose
-- substance is also a row of `allergies`, source 'fhir') or a "no known drug allergy"
-- statement. An entered-in-error PUT deletes the id's row; nothing here means the id is
-- unknown.
CREATE TABLE allergy_resources (
    id         TEXT   PRIMARY KEY,
    nhs_number TEXT   NOT NULL,
    kind       TEXT   NOT NULL CHECK (kind IN ('allergy', 'none_known')),
    resource   TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX allergy_resources_patient ON allergy_resources (nhs_number, kind);
