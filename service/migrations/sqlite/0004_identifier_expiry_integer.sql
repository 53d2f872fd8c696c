-- An identity index entry's expiry is milliseconds since the epoch, or NULL for none.
-- SQLite keeps a value of another type as it was given (a date string, say), and such a
-- value compares greater than every number: a stale entry would read as fresh. The
-- service only ever binds integers; these triggers refuse anything else written by other
-- tools. Entries already holding another type are made expired (0), so they are asked of
-- the PIX Manager again rather than trusted. (PostgreSQL's BIGINT column cannot hold
-- anything else, so it has no such migration.)
UPDATE identifiers SET expires_at = 0
    WHERE expires_at IS NOT NULL AND typeof(expires_at) <> 'integer';

CREATE TRIGGER identifiers_expiry_insert BEFORE INSERT ON identifiers
    WHEN NEW.expires_at IS NOT NULL AND typeof(NEW.expires_at) <> 'integer'
BEGIN
    SELECT RAISE(ABORT, 'identifiers.expires_at must be an integer (milliseconds since the epoch) or NULL');
END;

CREATE TRIGGER identifiers_expiry_update BEFORE UPDATE OF expires_at ON identifiers
    WHEN NEW.expires_at IS NOT NULL AND typeof(NEW.expires_at) <> 'integer'
BEGIN
    SELECT RAISE(ABORT, 'identifiers.expires_at must be an integer (milliseconds since the epoch) or NULL');
END;
