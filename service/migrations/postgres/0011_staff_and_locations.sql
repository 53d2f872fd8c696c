-- The staff and locations registers (`bedside import staff|locations`, `/v1/staff`,
-- `/v1/locations`). Rows are never deleted: a badge or place that is no longer valid is
-- deactivated (active = 0), so the audit trail's GSRNs and GLNs keep their meaning.
-- Existing rows (the demo seed, earlier versions) stay valid: the new columns have
-- defaults, and every earlier row is active.
-- Keep in step with ../sqlite/0011_staff_and_locations.sql.

-- staff.name is the register's display_name (the column keeps its name: the chart reads
-- it). professional_id: NMC PIN, GPhC or GMC number ('' when none).
ALTER TABLE staff ADD COLUMN professional_id TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;

-- locations.name is the label built from ward and bed (see service/src/locations.rs).
ALTER TABLE locations ADD COLUMN site TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN ward TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN bed TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE locations ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
