-- Staff accounts of the back office (/gestion) and what their log-in needs. Registry data
-- (mutable, personal): the facts that matter to an audit (an account opened, its roles changed,
-- it was disabled) are events; the names, e-mails and secrets below are not.

-- One row per staff member. `roles` and `structure_ids` mirror the account's last
-- StaffAccountOpened / StaffAccountChanged event (JSON arrays of role codes and ids).
CREATE TABLE IF NOT EXISTS staff_accounts (
    staff_id             TEXT PRIMARY KEY,
    login                TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    email                TEXT,
    roles                TEXT NOT NULL,
    structure_ids        TEXT NOT NULL,
    -- sha256 of the one-time activation code (hex); NULL once used. Never the code itself.
    activation_code_hash TEXT,
    -- argon2id PHC string; NULL until the member chose a password.
    password_hash        TEXT,
    -- The TOTP secret (base32, RFC 4648 without padding): set when enrolment starts, confirmed
    -- by a first valid code (`totp_enrolled_at`).
    totp_secret          TEXT,
    totp_enrolled_at     TEXT,
    -- The last TOTP time step accepted: a code is usable once, and never an older one.
    totp_last_step       INTEGER,
    -- 1 for the accounts `portail demo` creates: only those show their TOTP secret.
    demo                 INTEGER NOT NULL DEFAULT 0,
    disabled_at          TEXT
) STRICT;

-- Ten single-use recovery codes per enrolled account; only their sha256 is kept.
CREATE TABLE IF NOT EXISTS staff_recovery_codes (
    staff_id  TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (staff_id, code_hash)
) STRICT;

-- Staff sessions, apart from the parents' (own cookie, shorter limits). The cookie carries a
-- 256-bit random token; only its sha256 is stored. `stage`: what the log-in still needs.
-- `family_id` and `basket`: the phone booking in progress (a basket for one family).
CREATE TABLE IF NOT EXISTS staff_sessions (
    token_hash   TEXT PRIMARY KEY,
    staff_id     TEXT NOT NULL,
    stage        TEXT NOT NULL CHECK (stage IN ('second_factor', 'enrolment', 'ready')),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    family_id    TEXT,
    basket       TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS staff_sessions_by_staff ON staff_sessions (staff_id);

-- RGPD « journalisation des accès »: one row each time a staff member opens a family's file.
-- Append-only; rows older than six months are purged by the nightly run.
CREATE TABLE IF NOT EXISTS staff_access_log (
    access_id INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    staff_id  TEXT NOT NULL,
    family_id TEXT NOT NULL,
    what      TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS staff_access_log_by_at ON staff_access_log (at);
