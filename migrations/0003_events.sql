-- Events of the programme's calendar, their reminders, answers and attendance.

CREATE TABLE event (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('training', 'preparation', 'return', 'consultation',
                'sounding_board', 'conference', 'table_session')),
    title       TEXT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    weekly      INTEGER NOT NULL DEFAULT 0,
    repeat_until TEXT,
    audience    TEXT NOT NULL CHECK (audience IN ('everyone', 'organisers', 'cohort', 'circle',
                'list')),
    audience_ref INTEGER REFERENCES person(id) ON DELETE SET NULL, -- whose circle
    reminders   TEXT NOT NULL,
    created_by  INTEGER REFERENCES person(id) ON DELETE SET NULL,
    cancelled_at TEXT,
    created_at  TEXT NOT NULL
);

-- The hand-picked people of an event with audience 'list'.
CREATE TABLE event_member (
    event_id    INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, person_id)
);

CREATE TABLE event_skip (
    event_id    INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    occurs_on   TEXT NOT NULL,
    PRIMARY KEY (event_id, occurs_on)
);

CREATE TABLE reminder (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    occurrence_start TEXT NOT NULL,
    remind_at       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'planned'
                    CHECK (status IN ('planned', 'queued', 'skipped', 'cancelled')),
    UNIQUE (event_id, occurrence_start, remind_at)
);
CREATE INDEX reminder_due ON reminder(status, remind_at);

CREATE TABLE rsvp (
    event_id        INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    occurrence_start TEXT NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    answer          TEXT NOT NULL CHECK (answer IN ('yes', 'no')),
    reason          TEXT CHECK (reason IN ('care', 'benefits', 'ill', 'other')),
    answered_at     TEXT NOT NULL,
    PRIMARY KEY (event_id, occurrence_start, person_id)
);

CREATE TABLE attendance (
    event_id        INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    occurrence_start TEXT NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    present         INTEGER NOT NULL,
    recorded_by     INTEGER REFERENCES person(id) ON DELETE SET NULL,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (event_id, occurrence_start, person_id)
);
