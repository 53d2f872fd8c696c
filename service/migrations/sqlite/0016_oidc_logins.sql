-- OpenID Connect sign-ins under way (service/src/oidc.rs): one row per GET /auth/login,
-- until the provider sends the browser back to /auth/callback.
-- Keep in step with ../postgres/0016_oidc_logins.sql.
--
-- state_hash: SHA-256 (hex) of the `state` sent to the provider (the state itself is only
-- in the browser's URL). browser_hash: SHA-256 of the short-lived `bedside_oidc` cookie
-- (Path=/auth, HttpOnly, SameSite=Lax) that binds the login to the browser that started it.
-- nonce, pkce_verifier: the ID token's expected nonce and the PKCE (S256) verifier, secret
-- for ten minutes at most. next: the UI path to land on.
-- A row is used once (used_at set in the same statement that reads it: a replayed state
-- is refused) and expires 10 minutes after created_at; rows older than a day are deleted.
CREATE TABLE oidc_logins (
    state_hash    TEXT PRIMARY KEY,
    browser_hash  TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
);
CREATE INDEX oidc_logins_created ON oidc_logins (created_at);
