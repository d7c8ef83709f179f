-- The social map: services of organisations (after Open Referral HSDS 3.0), with the line
-- (0 informal, 1 first line, 2 specialist), categories, languages spoken, weekly hours, and
-- names and descriptions per language.

CREATE TABLE sm_entry (
    id                  TEXT PRIMARY KEY,
    organization_id     TEXT NOT NULL,
    organization_name   TEXT NOT NULL,
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    line                INTEGER NOT NULL CHECK (line IN (0, 1, 2)),
    categories          TEXT NOT NULL DEFAULT '[]',
    languages           TEXT NOT NULL DEFAULT '[]',
    location_id         TEXT,
    location_name       TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    city                TEXT NOT NULL DEFAULT '',
    postal_code         TEXT NOT NULL DEFAULT '',
    latitude            REAL,
    longitude           REAL,
    phone               TEXT NOT NULL DEFAULT '',
    url                 TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    eligibility         TEXT NOT NULL DEFAULT '',
    cost                TEXT NOT NULL DEFAULT '',
    hours               TEXT NOT NULL DEFAULT '{}',
    active              INTEGER NOT NULL DEFAULT 1,
    last_verified       TEXT,
    updated_at          TEXT NOT NULL
);

CREATE TABLE sm_translation (
    entry_id    TEXT NOT NULL REFERENCES sm_entry(id) ON DELETE CASCADE,
    language    TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entry_id, language)
);

-- Who changed which field of an entry, and when (never the old or new text).
CREATE TABLE sm_history (
    id          INTEGER PRIMARY KEY,
    entry_id    TEXT NOT NULL REFERENCES sm_entry(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES person(id) ON DELETE SET NULL,
    change      TEXT NOT NULL
);

-- A warm handover: a need (of a resident, or noted in a session log) referred to an entry.
CREATE TABLE referral (
    id              INTEGER PRIMARY KEY,
    organiser_id    INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    need_id         INTEGER REFERENCES item(id) ON DELETE CASCADE,
    session_id      INTEGER REFERENCES table_session(id) ON DELETE CASCADE,
    category        TEXT NOT NULL,
    entry_id        TEXT NOT NULL REFERENCES sm_entry(id),
    note            TEXT NOT NULL DEFAULT '',
    follow_up_at    TEXT,
    outcome         TEXT CHECK (outcome IN ('helped', 'waiting', 'not_helped', 'other')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
