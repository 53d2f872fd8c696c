-- Orders now arrive from the EPMA (HL7 RDE^O11/OMP^O09, FHIR MedicationRequest) as well as
-- from the demo: keyed by (namespace, number), naming their medicine at dm+d VTM, VMP or
-- AMP level, with FHIR's statuses. SQLite cannot change a CHECK constraint, so the table
-- is rebuilt; existing rows keep their ids, are VMP-level and 'suspended' becomes
-- 'on-hold'.
CREATE TABLE orders_new (
    id                   TEXT    PRIMARY KEY,
    namespace            TEXT    NOT NULL,
    number               TEXT    NOT NULL,
    source               TEXT    NOT NULL CHECK (source IN ('demo', 'hl7', 'fhir')),
    nhs_number           TEXT    NOT NULL,
    level                TEXT    NOT NULL CHECK (level IN ('vtm', 'vmp', 'amp')),
    dmd_id               TEXT    NOT NULL,
    dose_milli           BIGINT  NOT NULL,
    dose_max_milli       BIGINT,
    dose_unit            TEXT    NOT NULL,
    route                TEXT    NOT NULL,
    kind                 TEXT    NOT NULL CHECK (kind IN ('regular', 'prn')),
    times                TEXT    NOT NULL DEFAULT '',
    window_minutes       INTEGER NOT NULL DEFAULT 60,
    min_interval_minutes INTEGER NOT NULL DEFAULT 0,
    max_per_24h          INTEGER NOT NULL DEFAULT 0,
    status               TEXT    NOT NULL CHECK (status IN ('active', 'on-hold', 'cancelled', 'stopped', 'completed', 'entered-in-error')),
    starts_at            BIGINT  NOT NULL,
    ends_at              BIGINT,
    stated_at            BIGINT,
    resource             TEXT,
    updated_at           BIGINT  NOT NULL DEFAULT 0,
    UNIQUE (namespace, number)
);
INSERT INTO orders_new (id, namespace, number, source, nhs_number, level, dmd_id, dose_milli, dose_max_milli, dose_unit, route, kind, times, window_minutes, min_interval_minutes, max_per_24h, status, starts_at, ends_at, stated_at, resource, updated_at)
SELECT id, 'demo', id, 'demo', nhs_number, 'vmp', vmp_id, dose_milli, NULL, dose_unit, route, kind, times, window_minutes, min_interval_minutes, max_per_24h,
       CASE status WHEN 'suspended' THEN 'on-hold' ELSE status END, starts_at, ends_at, NULL, NULL, 0
FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_patient_medicine ON orders (nhs_number, level, dmd_id);

-- What the EPR says about a patient's allergies (HL7 AL1 sets, FHIR AllergyIntolerance).
-- No row in allergy_status means "not recorded", never "none known".
CREATE TABLE allergy_status (
    nhs_number TEXT   PRIMARY KEY,
    status     TEXT   NOT NULL CHECK (status IN ('none_known', 'recorded')),
    source     TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE allergies (
    nhs_number      TEXT NOT NULL,
    id              TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('hl7', 'fhir')),
    system          TEXT NOT NULL CHECK (system IN ('dmd', 'snomed')),
    code            TEXT NOT NULL,
    display         TEXT,
    clinical_status TEXT NOT NULL CHECK (clinical_status IN ('active', 'inactive', 'resolved')),
    criticality     TEXT NOT NULL CHECK (criticality IN ('low', 'high', 'unable-to-assess')),
    reactions       TEXT NOT NULL DEFAULT '[]',
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (nhs_number, source, id)
);
