-- The mail outbox: one row per mail to send.
--
-- A row is inserted in the same transaction as the decision that causes the mail (a transmission
-- run, a waitlist promotion, a password-reset request), so a mail exists if and only if its cause
-- was committed. The delivery worker (`mail::flush`) sends rows after commit and marks them.
--
-- Timestamps are UTC text of fixed width (`YYYY-MM-DDTHH:MM:SS.ffffffZ`): text order is time order.
CREATE TABLE IF NOT EXISTS mail_outbox (
    mail_id         TEXT PRIMARY KEY,        -- UUIDv7; also the Message-ID `<mail_id@portail-famille>`
    kind            TEXT NOT NULL,           -- transmission_report | waitlist_promotion | day_closed | password_reset | email_confirmation | audit_anchor
    dedup_key       TEXT NOT NULL UNIQUE,    -- one mail per cause: enqueuing the same key again is a no-op
    recipient       TEXT NOT NULL,           -- a bare address, checked at enqueue (no CR/LF)
    subject         TEXT NOT NULL,           -- one line, checked at enqueue (no CR/LF)
    body            TEXT NOT NULL,           -- plain text, UTF-8
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,  -- failed sending attempts so far
    next_attempt_at TEXT NOT NULL,           -- not tried before this instant (backoff, or a worker's claim)
    sent_at         TEXT,                    -- NULL until the transport accepted the mail
    last_error      TEXT                     -- why the last attempt failed
) STRICT;

-- The worker's question: unsent mails whose time has come, earliest first.
CREATE INDEX IF NOT EXISTS mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
