-- Token management (bedside token create/list/revoke): an optional expiry per token, in
-- Unix milliseconds; an expired token is refused like a revoked one.
-- (Note for readers of 0001: orders.times are Europe/London wall-clock HH:MM, not UTC.)
ALTER TABLE tokens ADD COLUMN expires_at BIGINT;
