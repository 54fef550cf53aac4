-- The number of each document handed to a family (attestation de frais de garde, statement of
-- account, payment receipt): given once per (family, kind, period or payment), printed again on
-- every reissue; who first issued it and when. A kind's sequence runs per year.
CREATE TABLE IF NOT EXISTS document_numbers (
    family_id TEXT NOT NULL,
    kind      TEXT NOT NULL,      -- FG, RL, RC
    period    TEXT NOT NULL,      -- 2026; 2026-01-01/2026-03-31; the payment's id
    year      INTEGER NOT NULL,
    sequence  INTEGER NOT NULL,
    issued_by TEXT NOT NULL,      -- staff:<uuid>, staff:cli, family:<uuid>
    issued_at TEXT NOT NULL,
    PRIMARY KEY (family_id, kind, period),
    UNIQUE (kind, year, sequence)
) STRICT;
