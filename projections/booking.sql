-- Read model "booking": requests (Suivi), reservations (places and waitlist), counts per
-- activity and day, transmissions. Built from BasketSubmitted, BookingRequested,
-- CancellationRequested, RequestWithdrawn, TransmissionStarted, TransmissionCompleted,
-- BookingAccepted, BookingWaitlisted, BookingRefused, ReservationCancelled, WaitlistPromoted,
-- WaitlistReordered (two places swap their waitlist_order), ActivityDayClosed.

-- One row per basket line. state:
--   booking lines:      non_transmis | acceptee | liste_attente | refusee | retiree
--   cancellation lines: non_transmis | traitee | retiree
CREATE TABLE IF NOT EXISTS booking_requests (
    request_id         TEXT PRIMARY KEY,
    basket_id          TEXT NOT NULL,
    family_id          TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('booking', 'cancellation')),
    child_id           TEXT,
    activity_id        TEXT,
    day                TEXT,
    reservation_id     TEXT,          -- booking: the place it got; cancellation: the place to free
    forecast           TEXT,          -- JSON of the forecast given when the basket was validated
    state              TEXT NOT NULL,
    reason             TEXT,          -- refusal reason code (RefusalReason, snake_case)
    requested_position INTEGER NOT NULL,
    decided_position   INTEGER,
    transmission_id    TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS booking_requests_by_family ON booking_requests (family_id, day);
CREATE INDEX IF NOT EXISTS booking_requests_pending ON booking_requests (state, requested_position);
CREATE INDEX IF NOT EXISTS booking_requests_by_slot ON booking_requests (activity_id, day, state);
-- A child's requests on a day (calendar cells, basket validation in the writer).
CREATE INDEX IF NOT EXISTS booking_requests_by_child ON booking_requests (child_id, day);
-- Is a cancellation of this place pending? (Suivi, baskets.) Partial: the transmission's updates of
-- booking requests do not maintain it.
CREATE INDEX IF NOT EXISTS booking_requests_cancelling ON booking_requests (reservation_id, state)
    WHERE kind = 'cancellation';

-- Baskets, by the client's one-time request id (a resubmitted form is recorded once).
CREATE TABLE IF NOT EXISTS baskets (
    basket_id         TEXT PRIMARY KEY,
    family_id         TEXT NOT NULL,
    client_request_id TEXT NOT NULL,
    position          INTEGER NOT NULL,
    UNIQUE (family_id, client_request_id)
) STRICT;

-- Places: accepted or on the waitlist, or cancelled. The waitlist rank of an entry is 1 + the
-- number of waitlisted entries of the same activity and day with a smaller waitlist_order.
CREATE TABLE IF NOT EXISTS reservations (
    reservation_id   TEXT PRIMARY KEY,
    request_id       TEXT NOT NULL,
    family_id        TEXT NOT NULL,
    child_id         TEXT NOT NULL,
    activity_id      TEXT NOT NULL,
    day              TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('acceptee', 'liste_attente', 'annulee')),
    waitlist_order   INTEGER,          -- position of the event that put it on the waitlist
    decided_position INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS reservations_by_slot ON reservations (activity_id, day, state, waitlist_order);
CREATE INDEX IF NOT EXISTS reservations_by_family ON reservations (family_id, day);
CREATE INDEX IF NOT EXISTS reservations_by_child ON reservations (child_id, day);

-- Places taken per activity and day (the capacity read model).
CREATE TABLE IF NOT EXISTS slot_counts (
    activity_id TEXT NOT NULL,
    day         TEXT NOT NULL,
    accepted    INTEGER NOT NULL DEFAULT 0,
    waitlisted  INTEGER NOT NULL DEFAULT 0,
    pending     INTEGER NOT NULL DEFAULT 0,   -- booking requests not yet transmitted
    PRIMARY KEY (activity_id, day)
) STRICT;

-- Days staff closed exceptionally (ActivityDayClosed): no booking, pending requests refused.
CREATE TABLE IF NOT EXISTS closed_days (
    activity_id TEXT NOT NULL,
    day         TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (activity_id, day)
) STRICT;

-- Transmission runs; the last completed one dates the portal's "dernière mise à jour".
CREATE TABLE IF NOT EXISTS transmissions (
    transmission_id    TEXT PRIMARY KEY,
    cut_off            TEXT NOT NULL,
    up_to_position     INTEGER NOT NULL,
    started_position   INTEGER NOT NULL,
    completed_position INTEGER,
    counts             TEXT               -- JSON of TransmissionCounts once completed
) STRICT;
