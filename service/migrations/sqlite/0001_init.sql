-- Bedside service schema (SQLite). Times are Unix epoch milliseconds (INTEGER),
-- dates ISO 8601 text. Keep in step with ../postgres/0001_init.sql.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per NHS number known to this service, with the demographics the nurse confirms.
-- merged_into: this NHS number was superseded by another record (it stops resolving).
CREATE TABLE patients (
    nhs_number  TEXT PRIMARY KEY CHECK (length(nhs_number) = 10),
    family      TEXT NOT NULL,
    given       TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    sex         TEXT,
    merged_into TEXT,
    updated_at  INTEGER NOT NULL
);

-- Local identity index: identifier (domain, value) <-> NHS number. Several rows for one
-- identifier mean several candidate NHS numbers (ambiguous). status 'merged' = merged away.
CREATE TABLE identifiers (
    id           INTEGER PRIMARY KEY,
    domain       TEXT NOT NULL,
    value        TEXT NOT NULL,
    nhs_number   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('active', 'merged')),
    merged_into  TEXT,
    source       TEXT NOT NULL,
    expires_at   INTEGER,
    updated_at   INTEGER NOT NULL,
    UNIQUE (domain, value, nhs_number)
);
CREATE INDEX identifiers_lookup ON identifiers (domain, value);

CREATE TABLE staff (
    gsrn   TEXT PRIMARY KEY CHECK (length(gsrn) = 18),
    name   TEXT NOT NULL,
    role   TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);

-- API tokens: only a salted SHA-256 of the secret is stored.
CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('nurse', 'pharmacist', 'admissions', 'integrator', 'admin')),
    label       TEXT NOT NULL,
    salt        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    staff_gsrn  TEXT,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE TABLE locations (
    gln       TEXT NOT NULL CHECK (length(gln) = 13),
    extension TEXT NOT NULL DEFAULT '',
    name      TEXT NOT NULL,
    PRIMARY KEY (gln, extension)
);

-- Product catalogue: GTIN -> dm+d-style VMP, strength per unit, form and routes.
CREATE TABLE products (
    gtin            TEXT PRIMARY KEY CHECK (length(gtin) = 14),
    name            TEXT NOT NULL,
    vmp_id          TEXT NOT NULL,
    vmp_name        TEXT NOT NULL,
    strength_milli  INTEGER NOT NULL,
    strength_unit   TEXT NOT NULL,
    per_unit        TEXT NOT NULL,
    routes          TEXT NOT NULL,
    high_risk       INTEGER NOT NULL DEFAULT 0
);

-- Prescriptions at VMP level. kind 'regular': times (UTC HH:MM list) with a window;
-- kind 'prn': minimum interval and a 24-hour maximum number of doses.
CREATE TABLE orders (
    id                   TEXT PRIMARY KEY,
    nhs_number           TEXT NOT NULL,
    vmp_id               TEXT NOT NULL,
    dose_milli           INTEGER NOT NULL,
    dose_unit            TEXT NOT NULL,
    route                TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('regular', 'prn')),
    times                TEXT NOT NULL DEFAULT '',
    window_minutes       INTEGER NOT NULL DEFAULT 60,
    min_interval_minutes INTEGER NOT NULL DEFAULT 0,
    max_per_24h          INTEGER NOT NULL DEFAULT 0,
    status               TEXT NOT NULL CHECK (status IN ('active', 'stopped', 'suspended')),
    starts_at            INTEGER NOT NULL,
    ends_at              INTEGER
);
CREATE INDEX orders_patient ON orders (nhs_number);

CREATE TABLE recalls (
    gtin   TEXT NOT NULL,
    batch  TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('block', 'warn')),
    notice TEXT NOT NULL,
    PRIMARY KEY (gtin, batch)
);

-- One row per dose given. (order_id, due_at) is unique: two concurrent records of the
-- same dose cannot both land. A serial number is used once per GTIN.
CREATE TABLE administrations (
    id              INTEGER PRIMARY KEY,
    order_id        TEXT NOT NULL,
    nhs_number      TEXT NOT NULL,
    due_at          INTEGER NOT NULL,
    given_at        INTEGER NOT NULL,
    gtin            TEXT NOT NULL,
    batch           TEXT,
    expiry          TEXT,
    serial          TEXT,
    quantity_milli  INTEGER NOT NULL,
    dose_milli      INTEGER NOT NULL,
    staff_gsrn      TEXT NOT NULL,
    checker_gsrn    TEXT,
    location_gln    TEXT,
    location_ext    TEXT,
    override_reason TEXT,
    token_id        TEXT NOT NULL,
    UNIQUE (order_id, due_at)
);
CREATE UNIQUE INDEX administrations_serial ON administrations (gtin, serial) WHERE serial IS NOT NULL;

-- Append-only, hash-chained audit trail. hash = SHA-256 of the canonical content, which
-- includes prev_hash. audit_head holds the chain tip and serialises writers.
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
