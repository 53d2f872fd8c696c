-- People who sign in (OpenID Connect, or the demo's users by name) and their server-side
-- sessions (service/src/sessions.rs, service/src/users.rs). API tokens stay for machines.
-- Keep in step with ../postgres/0015_users_and_sessions.sql.

-- One row per person who has signed in (user_id: the configured user_claim, e.g. CIS2's
-- nhsid_useruid; demo users are 'demo:<name>'). Rows are never deleted: the audit trail
-- names people by user_id (actor 'user:<user_id>').
-- badge_gsrn: the staff badge the person linked (once; an admin may change it).
-- pin_hash: argon2id PHC string of the hand-over PIN; pin_failures counts wrong PINs since
-- the last right one; pin_locked_until (ms) refuses every PIN until then.
CREATE TABLE users (
    user_id          TEXT PRIMARY KEY,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('nurse', 'pharmacist', 'admissions', 'integrator', 'admin')),
    badge_gsrn       TEXT UNIQUE CHECK (badge_gsrn IS NULL OR length(badge_gsrn) = 18),
    badge_linked_at  INTEGER,
    pin_hash         TEXT,
    pin_set_at       INTEGER,
    pin_failures     INTEGER NOT NULL DEFAULT 0,
    pin_locked_until INTEGER,
    first_seen_at    INTEGER NOT NULL,
    last_seen_at     INTEGER NOT NULL
);

-- A browser's session: the cookie holds a random secret, the table only its SHA-256.
-- csrf: the per-session token state-changing requests must echo (X-CSRF-Token).
-- id_token: kept for the provider's end_session_endpoint (id_token_hint).
-- A session ends (ended_at, ended_reason) on sign-out, on a new sign-in in the same
-- browser (rotation), after idle_minutes without use or at expires_at (absolute).
-- handover_*: another signed-in-once person took over this session for one task with
-- their badge and PIN; it ends after the task or two idle minutes.
CREATE TABLE sessions (
    id_hash          TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (user_id),
    role             TEXT NOT NULL,
    method           TEXT NOT NULL CHECK (method IN ('oidc', 'demo')),
    csrf             TEXT NOT NULL,
    id_token         TEXT,
    created_at       INTEGER NOT NULL,
    last_seen_at     INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    ended_at         INTEGER,
    ended_reason     TEXT,
    handover_user    TEXT REFERENCES users (user_id),
    handover_last_at INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);
