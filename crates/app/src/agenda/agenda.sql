-- The secret address of each family's calendar feed (/agenda/{token}.ics): only the SHA-256 of
-- the token is kept; a new address replaces the old one, a revoked one is deleted.
CREATE TABLE IF NOT EXISTS agenda_feeds (
    family_id  TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
) STRICT;
