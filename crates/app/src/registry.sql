-- The registry: personal and mutable data, keyed by the ids that events carry.
-- Nothing here is an event; erasing a family deletes its rows and the log stays valid.

CREATE TABLE IF NOT EXISTS organisation_profile (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    name      TEXT NOT NULL,
    address   TEXT NOT NULL,
    phone     TEXT NOT NULL,
    fax       TEXT,
    email     TEXT NOT NULL,
    website   TEXT
) STRICT;

-- Messages a structure shows on the login page.
CREATE TABLE IF NOT EXISTS structure_welcome (
    structure_id TEXT PRIMARY KEY,
    messages     TEXT NOT NULL          -- JSON array of strings
) STRICT;

-- The pieces of every family's file (dossier), in the setup file's order (`[organisation]
-- dossier_items`): the desk shows each one received or not.
CREATE TABLE IF NOT EXISTS dossier_items (
    position INTEGER PRIMARY KEY,
    label    TEXT NOT NULL UNIQUE
) STRICT;

-- The setup file's keys, so staff can name things by key on the command line.
CREATE TABLE IF NOT EXISTS setup_keys (
    kind TEXT NOT NULL,
    key  TEXT NOT NULL,
    id   TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS setup_keys_by_id ON setup_keys (kind, id);

CREATE TABLE IF NOT EXISTS family_accounts (
    family_id            TEXT PRIMARY KEY,
    login                TEXT NOT NULL UNIQUE,
    title                TEXT,
    payer_name           TEXT NOT NULL,
    email                TEXT,
    phone                TEXT,
    -- sha256 of the one-time activation code (hex); NULL once used. Never the code itself.
    activation_code_hash TEXT,
    -- argon2id PHC string; NULL until the parent chose a password.
    password_hash        TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS child_profiles (
    child_id   TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    birth_date TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS child_profiles_by_family ON child_profiles (family_id);

-- Details of a desk payment that are personal: who paid, with which bank, document number.
CREATE TABLE IF NOT EXISTS payment_details (
    payment_id   TEXT PRIMARY KEY,
    piece_number TEXT,
    payer_name   TEXT,
    bank_name    TEXT
) STRICT;

-- What a validated basket answered, by the form's one-time request id: the same id gets the same
-- answer (refused lines included, which are not events); the same id with other lines is refused.
CREATE TABLE IF NOT EXISTS basket_receipts (
    family_id         TEXT NOT NULL,
    client_request_id TEXT NOT NULL,
    content_hash      TEXT NOT NULL,
    receipt           TEXT NOT NULL,   -- JSON of app::booking::BasketReceipt
    PRIMARY KEY (family_id, client_request_id)
) STRICT;

-- Deadlines a director set aside for a staff booking or cancellation (« dérogation »): the reason
-- typed by staff (their words: never in events), by the request the exception let in. The
-- event's metadata names the rule set aside (`overrides`) and who acted.
CREATE TABLE IF NOT EXISTS deadline_exceptions (
    request_id  TEXT PRIMARY KEY,
    basket_id   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    rule        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;

-- Why staff cancelled a desk payment (typed by staff: personal, so never in the event).
CREATE TABLE IF NOT EXISTS payment_cancellations (
    payment_id   TEXT PRIMARY KEY,
    reason       TEXT NOT NULL,
    cancelled_at TEXT NOT NULL
) STRICT;

-- The receipt (« reçu ») number of each desk payment: the régie's (wallet's) sequence in the year
-- the payment was recorded (Europe/Paris), given once when it is recorded, never reused.
CREATE TABLE IF NOT EXISTS desk_receipts (
    payment_id TEXT PRIMARY KEY,
    wallet_id  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    sequence   INTEGER NOT NULL,
    UNIQUE (wallet_id, year, sequence)
) STRICT;
