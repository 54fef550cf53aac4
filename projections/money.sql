-- Read model "money": wallet balances and the consumption and payment histories.
-- Built from ConsumptionRecorded, AbsenceRecorded, PaymentRecorded, PaymentCancelled,
-- OnlinePaymentConfirmed.
-- Amounts are decimal strings; sums are computed in Rust with exact decimals, never in SQL.

-- balance = credits − debits, per family and wallet.
CREATE TABLE IF NOT EXISTS wallet_balances (
    family_id TEXT NOT NULL,
    wallet_id TEXT NOT NULL,
    credits   TEXT NOT NULL,
    debits    TEXT NOT NULL,
    balance   TEXT NOT NULL,
    PRIMARY KEY (family_id, wallet_id)
) STRICT;

-- One row per consumption (debit): the seed's "Historique des consommations".
CREATE TABLE IF NOT EXISTS consumption_history (
    consumption_id TEXT PRIMARY KEY,
    family_id      TEXT NOT NULL,
    wallet_id      TEXT NOT NULL,
    child_id       TEXT NOT NULL,
    activity_id    TEXT NOT NULL,
    day            TEXT NOT NULL,
    unit_price     TEXT NOT NULL,
    quantity       INTEGER NOT NULL,
    amount         TEXT NOT NULL,
    reservation_id TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS consumption_history_by_family_day ON consumption_history (family_id, day);
-- Has this reservation been debited yet? (the wallet's estimated cost)
CREATE INDEX IF NOT EXISTS consumption_history_by_reservation ON consumption_history (reservation_id);

-- One row per credit: the seed's "Historique des règlements" (payer, bank, number: registry).
CREATE TABLE IF NOT EXISTS payment_history (
    payment_id TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL,
    wallet_id  TEXT NOT NULL,
    amount     TEXT NOT NULL,
    mode       TEXT NOT NULL,      -- CH, ESP, CB, PRLV, VIR, CESU, ANCV
    paid_on    TEXT NOT NULL,
    cancelled  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS payment_history_by_family_day ON payment_history (family_id, paid_on);

-- Absences staff recorded; a justified one is not billed by the nightly consumption job.
CREATE TABLE IF NOT EXISTS absences (
    absence_id     TEXT PRIMARY KEY,
    family_id      TEXT NOT NULL,
    child_id       TEXT NOT NULL,
    activity_id    TEXT NOT NULL,
    day            TEXT NOT NULL,
    justified      INTEGER NOT NULL,
    reservation_id TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS absences_by_child_day ON absences (child_id, day);

-- Card payments started on the portal, one row per provider operation (PayFiP idOp).
-- state: started | paid | refused | cancelled | expired. The UNIQUE operation id is what makes
-- each operation credit the wallet once, whatever the number of notifications and returns.
CREATE TABLE IF NOT EXISTS online_payments (
    online_payment_id TEXT PRIMARY KEY,
    operation_id      TEXT NOT NULL UNIQUE,
    provider          TEXT NOT NULL,
    family_id         TEXT NOT NULL,
    wallet_id         TEXT NOT NULL,
    amount            TEXT NOT NULL,      -- amount started (the server's, never the browser's)
    started_at        TEXT NOT NULL,
    state             TEXT NOT NULL,
    provider_result   TEXT,
    credited          TEXT                -- amount credited, once paid
) STRICT;
CREATE INDEX IF NOT EXISTS online_payments_by_state ON online_payments (state, started_at);
