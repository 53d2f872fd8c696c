-- The chain tip follows every appended audit row inside the inserting statement itself
-- (writers on PostgreSQL still lock the tip row first, see service/src/audit.rs). Rows
-- are appended in sequence order; the guard keeps the tip from ever moving back.
CREATE FUNCTION audit_advance_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1 AND seq < NEW.seq;
    RETURN NULL;
END;
$$;
CREATE TRIGGER audit_advance_head AFTER INSERT ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_advance_head();
