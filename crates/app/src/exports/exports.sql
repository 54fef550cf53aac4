-- The export log: one row per CSV export downloaded from the back office or the CLI (RGPD: an
-- export names many families, so it is traced once, beside the per-file access log). No
-- personal data: who (staff id, nil for the operator on the server), what, for when, how many
-- lines. Rows go after six months, as the access log's (`purge_export_log`, nightly).
CREATE TABLE IF NOT EXISTS export_log (
    export_id    INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    staff_id     TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('attendance', 'consumptions', 'payments', 'files')),
    month        TEXT NOT NULL,
    structure_id TEXT,
    lines        INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS export_log_by_at ON export_log (at);
