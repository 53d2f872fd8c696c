-- The medicines catalogue from NHSBSA dm+d (`bedside import dmd`). Every load writes a
-- new version's rows beside the current ones and then moves catalogue_current to it in
-- the same transaction, so a check reads one whole release or the previous one, never a
-- mix; older versions are deleted afterwards. Ids are dm+d (SNOMED CT) ids as text;
-- decimals are kept as dm+d wrote them (exact); dates are ISO YYYY-MM-DD text.
CREATE TABLE dmd_releases (
    version     BIGINT PRIMARY KEY,
    release     TEXT   NOT NULL,
    imported_at BIGINT NOT NULL,
    summary     TEXT   NOT NULL
);
CREATE TABLE catalogue_current (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
CREATE TABLE dmd_lookup (
    version     BIGINT NOT NULL,
    tbl         TEXT   NOT NULL,
    code        TEXT   NOT NULL,
    description TEXT   NOT NULL,
    PRIMARY KEY (version, tbl, code)
);
CREATE TABLE dmd_ingredient (
    version BIGINT  NOT NULL,
    isid    TEXT    NOT NULL,
    name    TEXT    NOT NULL,
    invalid INTEGER NOT NULL,
    PRIMARY KEY (version, isid)
);
CREATE TABLE dmd_vtm (
    version BIGINT  NOT NULL,
    vtmid   TEXT    NOT NULL,
    name    TEXT    NOT NULL,
    invalid INTEGER NOT NULL,
    PRIMARY KEY (version, vtmid)
);
CREATE TABLE dmd_vmp (
    version       BIGINT  NOT NULL,
    vpid          TEXT    NOT NULL,
    vtmid         TEXT,
    name          TEXT    NOT NULL,
    invalid       INTEGER NOT NULL,
    df_ind        TEXT,
    udfs          TEXT,
    udfs_uom      TEXT,
    unit_dose_uom TEXT,
    PRIMARY KEY (version, vpid)
);
CREATE INDEX dmd_vmp_vtm ON dmd_vmp (version, vtmid);
CREATE TABLE dmd_vpi (
    version         BIGINT NOT NULL,
    vpid            TEXT   NOT NULL,
    isid            TEXT   NOT NULL,
    numerator       TEXT,
    numerator_uom   TEXT,
    denominator     TEXT,
    denominator_uom TEXT,
    -- The amount of this ingredient in one handled unit, computed at import when exact:
    -- numerator / denominator × UDFS per UNIT_DOSE_UOMCD for discrete forms (3 mg / 1 ml
    -- × 2 ml = 6 mg per vial), numerator / denominator per denominator unit for
    -- continuous ones (2 mg per ml). Thousandths of strength_uom, per per_uom.
    strength_milli  BIGINT,
    strength_uom    TEXT,
    per_uom         TEXT,
    PRIMARY KEY (version, vpid, isid)
);
CREATE TABLE dmd_vmp_route (
    version BIGINT NOT NULL,
    vpid    TEXT   NOT NULL,
    route   TEXT   NOT NULL,
    PRIMARY KEY (version, vpid, route)
);
-- CONTROL_DRUG_INFO: the controlled-drug category (0000 none, 0002 Schedule 2, 0004
-- Schedule 3 …); Schedules 2 and 3 need a second checker.
CREATE TABLE dmd_vmp_control (
    version  BIGINT NOT NULL,
    vpid     TEXT   NOT NULL,
    category TEXT   NOT NULL,
    PRIMARY KEY (version, vpid)
);
CREATE TABLE dmd_vmp_form (
    version BIGINT NOT NULL,
    vpid    TEXT   NOT NULL,
    form    TEXT   NOT NULL,
    PRIMARY KEY (version, vpid, form)
);
CREATE TABLE dmd_amp (
    version     BIGINT  NOT NULL,
    apid        TEXT    NOT NULL,
    vpid        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    invalid     INTEGER NOT NULL,
    PRIMARY KEY (version, apid)
);
CREATE INDEX dmd_amp_vmp ON dmd_amp (version, vpid);
CREATE TABLE dmd_amp_excipient (
    version BIGINT NOT NULL,
    apid    TEXT   NOT NULL,
    isid    TEXT   NOT NULL,
    PRIMARY KEY (version, apid, isid)
);
CREATE TABLE dmd_amp_route (
    version BIGINT NOT NULL,
    apid    TEXT   NOT NULL,
    route   TEXT   NOT NULL,
    PRIMARY KEY (version, apid, route)
);
CREATE TABLE dmd_vmpp (
    version BIGINT  NOT NULL,
    vppid   TEXT    NOT NULL,
    vpid    TEXT    NOT NULL,
    name    TEXT    NOT NULL,
    qty     TEXT,
    qty_uom TEXT,
    invalid INTEGER NOT NULL,
    PRIMARY KEY (version, vppid)
);
CREATE TABLE dmd_ampp (
    version BIGINT  NOT NULL,
    appid   TEXT    NOT NULL,
    apid    TEXT    NOT NULL,
    vppid   TEXT    NOT NULL,
    name    TEXT    NOT NULL,
    invalid INTEGER NOT NULL,
    PRIMARY KEY (version, appid)
);
CREATE TABLE dmd_gtin (
    version    BIGINT NOT NULL,
    gtin       TEXT   NOT NULL,
    appid      TEXT   NOT NULL,
    start_date TEXT   NOT NULL,
    end_date   TEXT,
    PRIMARY KEY (version, gtin, appid, start_date)
);
-- Previous ids (VTMIDPREV, VPIDPREV, ISIDPREV) to current ones, so an order or an allergy
-- written with a retired id still finds its concept.
CREATE TABLE dmd_previous (
    version  BIGINT NOT NULL,
    kind     TEXT   NOT NULL CHECK (kind IN ('vtm', 'vmp', 'ingredient')),
    previous TEXT   NOT NULL,
    current  TEXT   NOT NULL,
    PRIMARY KEY (version, kind, previous)
);
-- The trust's high-risk medicines (`bedside import high-risk`): a dose of a product whose
-- VTM, VMP or AMP is listed needs a second checker, as Schedule 2 and 3 controlled drugs do.
CREATE TABLE high_risk_medicines (
    dmd_id TEXT NOT NULL PRIMARY KEY,
    note   TEXT NOT NULL DEFAULT ''
);
-- Packs missing from dm+d (specials, unlicensed imports), kept by pharmacy with
-- `bedside import products`: a GTIN to a dm+d AMPP, AMP or VMP id. A row here wins over
-- dm+d for its GTIN, and the check's answer says so.
CREATE TABLE local_products (
    gtin   TEXT NOT NULL PRIMARY KEY CHECK (length(gtin) = 14),
    level  TEXT NOT NULL CHECK (level IN ('ampp', 'amp', 'vmp')),
    dmd_id TEXT NOT NULL,
    name   TEXT NOT NULL,
    note   TEXT NOT NULL DEFAULT ''
);
-- The hand-filled demo catalogue is replaced by dm+d (above) and the local lists.
DROP TABLE products;
