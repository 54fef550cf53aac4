-- Read model "attendance": the last mark of each child on each activity and day, for the daily
-- attendance sheet and for the nightly consumption (a place whose last mark is a justified
-- absence is not billed). Built from PresenceRecorded and AbsenceRecorded; a later mark replaces
-- an earlier one.
-- mark: present | absent_justifie | absent_non_justifie (domain::attendance::Mark::code).
CREATE TABLE IF NOT EXISTS attendance_marks (
    child_id       TEXT NOT NULL,
    activity_id    TEXT NOT NULL,
    day            TEXT NOT NULL,
    family_id      TEXT NOT NULL,
    mark           TEXT NOT NULL CHECK (mark IN ('present', 'absent_justifie', 'absent_non_justifie')),
    reservation_id TEXT,               -- the place marked; NULL for a child who came without one
    PRIMARY KEY (child_id, activity_id, day)
) STRICT;
-- The marks of one day (the sheet).
CREATE INDEX IF NOT EXISTS attendance_marks_by_day ON attendance_marks (day, activity_id);
