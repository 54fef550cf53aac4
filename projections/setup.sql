-- Read model "setup": the organisation as staff described it, as of the last event.
-- Built from OrganisationConfigured, WalletDefined, StructureDefined, ActivityDefined,
-- ActivityCapacityChanged, ActivityPriceChanged, OpeningPeriodDefined, BookingWindowDefined.

-- The organisation's rules (its contact block is personal-free but mutable: see the registry).
CREATE TABLE IF NOT EXISTS organisation_settings (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    organisation_id TEXT NOT NULL,
    debt_threshold  TEXT NOT NULL          -- decimal string, e.g. '30.00'
) STRICT;

CREATE TABLE IF NOT EXISTS wallets (
    wallet_id TEXT PRIMARY KEY,
    label     TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS structures (
    structure_id TEXT PRIMARY KEY,
    wallet_id    TEXT NOT NULL,
    label        TEXT NOT NULL
) STRICT;

-- Descriptive fields of an activity; a redefinition replaces them. Capacity and price have
-- their own effective-dated histories below and change only through their change events.
CREATE TABLE IF NOT EXISTS activities (
    activity_id             TEXT PRIMARY KEY,
    structure_id            TEXT NOT NULL,
    label                   TEXT NOT NULL,
    unit                    TEXT NOT NULL,   -- matin | apres_midi | journee | repas | soir
    quantity_per_day        INTEGER NOT NULL,
    age_min                 INTEGER NOT NULL,
    age_max                 INTEGER NOT NULL,
    booking_deadline        TEXT NOT NULL,   -- JSON {"days_before": n, "at": "HH:MM"}
    cancellation_deadline   TEXT NOT NULL,   -- JSON, same shape
    incompatible_with       TEXT NOT NULL,   -- JSON array of activity ids
    unit_minutes            INTEGER          -- how long a place lasts; NULL: the unit's default
) STRICT;
CREATE INDEX IF NOT EXISTS activities_by_structure ON activities (structure_id, label);

-- Capacity and waitlist size in force from a day on ('0001-01-01' for the initial definition).
CREATE TABLE IF NOT EXISTS activity_capacities (
    activity_id    TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    capacity       INTEGER NOT NULL,
    waitlist_size  INTEGER NOT NULL,
    PRIMARY KEY (activity_id, effective_from)
) STRICT;

-- Pricing in force from a day on: JSON of domain::values::Pricing.
CREATE TABLE IF NOT EXISTS activity_prices (
    activity_id    TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    pricing        TEXT NOT NULL,
    PRIMARY KEY (activity_id, effective_from)
) STRICT;

CREATE TABLE IF NOT EXISTS opening_periods (
    period_id               TEXT PRIMARY KEY,
    label                   TEXT NOT NULL,
    first_day               TEXT NOT NULL,
    last_day                TEXT NOT NULL,
    weekdays                TEXT NOT NULL,   -- JSON array of ISO weekdays
    excluded_days           TEXT NOT NULL,   -- JSON array of dates
    open_on_public_holidays INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS period_activities (
    period_id   TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    PRIMARY KEY (period_id, activity_id)
) STRICT;
CREATE INDEX IF NOT EXISTS period_activities_by_activity ON period_activities (activity_id);

CREATE TABLE IF NOT EXISTS booking_windows (
    window_id TEXT PRIMARY KEY,
    period_id TEXT NOT NULL,
    opens_at  TEXT NOT NULL,   -- UTC RFC 3339
    closes_at TEXT NOT NULL
) STRICT;
