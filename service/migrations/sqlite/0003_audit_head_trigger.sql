-- The chain tip follows every appended audit row inside the inserting statement itself,
-- so an append is one statement after reading the tip. Rows are appended in sequence
-- order; the guard keeps the tip from ever moving back.
CREATE TRIGGER audit_advance_head AFTER INSERT ON audit
BEGIN
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1 AND seq < NEW.seq;
END;
