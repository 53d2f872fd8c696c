-- Medicine recalls the pharmacy manages (POST /v1/recalls, bedside import recalls): one
-- row per notice, the products it names (a GTIN, or an AMPP or AMP resolved to GTINs in
-- the current dm+d release when a pack is checked, so a new release's GTINs are covered
-- without re-entering the recall) and the batches (none: every batch of the products).
-- A withdrawn recall is kept (who, when, why) and no longer applied.
ALTER TABLE recalls RENAME TO recalls_0001;

CREATE TABLE recalls (
    id               INTEGER PRIMARY KEY,
    reference        TEXT    NOT NULL,
    -- The reference without white space, upper-cased: "EL (26)A/01" and "el(26)a/01"
    -- are one notice. At most one active recall per key (the index below).
    reference_key    TEXT    NOT NULL,
    -- NULL only for rows carried over from the list before classes were recorded.
    class            TEXT    CHECK (class IN ('1', '2', '3', '4', 'caution')),
    action           TEXT    NOT NULL CHECK (action IN ('block', 'warn')),
    notice           TEXT    NOT NULL,
    url              TEXT,
    created_at       INTEGER  NOT NULL,
    created_by       TEXT    NOT NULL,
    withdrawn_at     INTEGER,
    withdrawn_by     TEXT,
    withdrawn_reason TEXT,
    CHECK ((withdrawn_at IS NULL AND withdrawn_by IS NULL AND withdrawn_reason IS NULL)
        OR (withdrawn_at IS NOT NULL AND withdrawn_by IS NOT NULL AND withdrawn_reason IS NOT NULL))
);
CREATE UNIQUE INDEX recalls_active_reference ON recalls (reference_key) WHERE withdrawn_at IS NULL;

CREATE TABLE recall_products (
    recall_id INTEGER NOT NULL REFERENCES recalls (id),
    kind      TEXT    NOT NULL CHECK (kind IN ('gtin', 'ampp', 'amp')),
    -- A GTIN-14, an APPID or an APID.
    code      TEXT    NOT NULL,
    PRIMARY KEY (recall_id, kind, code)
);
CREATE INDEX recall_products_code ON recall_products (code, kind);

CREATE TABLE recall_batches (
    recall_id INTEGER NOT NULL REFERENCES recalls (id),
    -- As the notice prints it (trimmed).
    batch     TEXT    NOT NULL,
    -- What a pack's batch is compared with: trimmed, ASCII upper-cased.
    batch_key TEXT    NOT NULL,
    PRIMARY KEY (recall_id, batch_key)
);

-- The old list's rows, one recall each (it had no reference or class): reference
-- LEGACY-<gtin>-<batch>, class NULL, the old notice text kept.
INSERT INTO recalls (reference, reference_key, class, action, notice, url, created_at, created_by)
SELECT 'LEGACY-' || gtin || '-' || batch, UPPER(REPLACE('LEGACY-' || gtin || '-' || batch, ' ', '')),
       NULL, action, notice, NULL, CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'migration:0012'
FROM recalls_0001 ORDER BY gtin, batch;
INSERT INTO recall_products (recall_id, kind, code)
SELECT r.id, 'gtin', o.gtin FROM recalls_0001 o
JOIN recalls r ON r.reference_key = UPPER(REPLACE('LEGACY-' || o.gtin || '-' || o.batch, ' ', ''));
INSERT INTO recall_batches (recall_id, batch, batch_key)
SELECT r.id, TRIM(o.batch), UPPER(TRIM(o.batch)) FROM recalls_0001 o
JOIN recalls r ON r.reference_key = UPPER(REPLACE('LEGACY-' || o.gtin || '-' || o.batch, ' ', ''));

DROP TABLE recalls_0001;
