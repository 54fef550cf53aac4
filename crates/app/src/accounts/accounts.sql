-- Accounts of the parents' portal: sessions, one-time tokens, recovery question, login throttling.
-- Registry data (mutable, personal): nothing here is an event.

-- Server-side sessions. The cookie carries a 256-bit random token; only its sha256 is stored.
CREATE TABLE IF NOT EXISTS web_sessions (
    token_hash   TEXT PRIMARY KEY,
    family_id    TEXT NOT NULL,
    created_at   TEXT NOT NULL,      -- UTC, RFC 3339: absolute lifetime
    last_seen_at TEXT NOT NULL,      -- UTC, RFC 3339: idle lifetime
    structure_id TEXT,               -- the structure being consulted
    basket       TEXT NOT NULL,      -- JSON of accounts::Basket: requests not validated yet
    remembered_until TEXT            -- « Rester connecté »: the end of a session on a trusted device
) STRICT;
CREATE INDEX IF NOT EXISTS web_sessions_by_family ON web_sessions (family_id);

-- Single-use links: password reset and e-mail confirmation. Only the sha256 of the token is kept.
CREATE TABLE IF NOT EXISTS account_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'email_confirmation')),
    family_id  TEXT NOT NULL,
    email      TEXT,                 -- the address to confirm
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS account_tokens_by_family ON account_tokens (family_id, purpose);

-- The recovery question and the argon2id hash of its normalised answer.
CREATE TABLE IF NOT EXISTS account_recovery (
    family_id   TEXT PRIMARY KEY,
    question    TEXT NOT NULL,
    answer_hash TEXT NOT NULL
) STRICT;

-- Failed attempts per key (sha256 of "account:<login>", "ip:<address>", …) in a 24 h window.
CREATE TABLE IF NOT EXISTS login_throttle (
    key_hash     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TEXT NOT NULL,
    last_failure TEXT NOT NULL
) STRICT;
