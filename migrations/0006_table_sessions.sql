-- Table-session series, their logged sessions, payments for reports, vouchers, the private
-- logbook, and the apprentice certificate recorded by a trainer.

CREATE TABLE series (
    id              INTEGER PRIMARY KEY,
    organiser_id    INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    cohost_id       INTEGER REFERENCES person(id) ON DELETE SET NULL,
    title           TEXT NOT NULL,
    themes          TEXT NOT NULL DEFAULT '[]',
    place           TEXT NOT NULL DEFAULT '',
    planned         INTEGER NOT NULL DEFAULT 6 CHECK (planned BETWEEN 1 AND 12),
    quiet_noticed_at TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX series_organiser ON series(organiser_id);

CREATE TABLE table_session (
    id              INTEGER PRIMARY KEY,
    series_id       INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    held_on         TEXT NOT NULL,
    attendance      INTEGER NOT NULL CHECK (attendance >= 0),
    needs           TEXT NOT NULL DEFAULT '{}',
    offers          TEXT NOT NULL DEFAULT '{}',
    matches_in_room INTEGER NOT NULL DEFAULT 0,
    remaining       TEXT NOT NULL DEFAULT '',
    report_text     TEXT NOT NULL DEFAULT '',
    report_voice_id TEXT,
    report_voice_seconds INTEGER,
    report_photo_id TEXT,
    report_at       TEXT,
    logged_by       INTEGER REFERENCES person(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX table_session_series ON table_session(series_id, held_on);

CREATE TABLE payment (
    id              INTEGER PRIMARY KEY,
    series_id       INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    amount_cents    INTEGER NOT NULL CHECK (amount_cents > 0),
    paid_by         INTEGER REFERENCES person(id) ON DELETE SET NULL,
    paid_at         TEXT NOT NULL
);

CREATE TABLE voucher (
    id              INTEGER PRIMARY KEY,
    organiser_id    INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    series_id       INTEGER REFERENCES series(id) ON DELETE SET NULL,
    amount_cents    INTEGER NOT NULL CHECK (amount_cents > 0),
    purpose         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'requested'
                    CHECK (status IN ('requested', 'approved', 'rejected', 'paid')),
    reason          TEXT,
    decided_by      INTEGER REFERENCES person(id) ON DELETE SET NULL,
    decided_at      TEXT,
    paid_at         TEXT,
    created_at      TEXT NOT NULL
);

-- A kwartiermaker's private reflections: only they see them.
CREATE TABLE logbook (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    text            TEXT NOT NULL DEFAULT '',
    voice_id        TEXT,
    voice_seconds   INTEGER,
    created_at      TEXT NOT NULL
);

-- The apprentice certificate after the training days, recorded by a trainer.
CREATE TABLE certificate (
    person_id       INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
    recorded_by     INTEGER REFERENCES person(id) ON DELETE SET NULL,
    recorded_at     TEXT NOT NULL
);
