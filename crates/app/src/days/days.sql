-- Registry: the reasons staff typed for their actions on a day (capacity change, promotion by
-- hand, waitlist move, exceptional closing). Typed by people, so never in the events: keyed by the
-- position of the action's event, written in the same transaction.
CREATE TABLE IF NOT EXISTS day_action_reasons (
    position    INTEGER PRIMARY KEY,
    activity_id TEXT NOT NULL,
    day         TEXT NOT NULL,
    reason      TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS day_action_reasons_by_day ON day_action_reasons (activity_id, day);
