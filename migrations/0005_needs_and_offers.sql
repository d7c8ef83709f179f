-- The two hands: what residents could use a hand with (needs) and what they can give
-- (offers); matches between them; phone intake with a personal claim link; digests.

ALTER TABLE person ADD COLUMN phone TEXT;
ALTER TABLE person ADD COLUMN consent_by INTEGER REFERENCES person(id) ON DELETE SET NULL;

CREATE TABLE category (
    code        TEXT PRIMARY KEY,
    emoji       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1
);
INSERT INTO category (code, emoji, position) VALUES
    ('money', '💶', 1), ('company', '🫂', 2), ('paperwork', '📄', 3), ('transport', '🚗', 4),
    ('shopping', '🛒', 5), ('children', '👶', 6), ('homework', '📚', 7), ('youth', '🧑', 8),
    ('health', '🩺', 9), ('mind', '🧠', 10), ('grief', '🕊', 11), ('household', '🧹', 12),
    ('cooking', '🍲', 13), ('computer', '💻', 14), ('language', '🗣', 15), ('work', '💼', 16),
    ('outings', '🌳', 17), ('repairs', '🔧', 18), ('skills', '🎨', 19), ('listening', '👂', 20);

CREATE TABLE item (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('need', 'offer')),
    category        TEXT NOT NULL REFERENCES category(code),
    text            TEXT NOT NULL DEFAULT '',
    voice_file_id   TEXT,
    voice_seconds   INTEGER,
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'matched', 'referred', 'solved', 'withdrawn')),
    entered_by      INTEGER REFERENCES person(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX item_person ON item(person_id);
CREATE INDEX item_open ON item(kind, status, category, created_at);
CREATE INDEX item_recent ON item(kind, status, created_at);

CREATE TABLE match (
    id              INTEGER PRIMARY KEY,
    need_id         INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
    offer_id        INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
    status          TEXT NOT NULL CHECK (status IN
                    ('introduced', 'agreed', 'done', 'declined', 'dismissed')),
    need_answer     TEXT CHECK (need_answer IN ('yes', 'no')),
    offer_answer    TEXT CHECK (offer_answer IN ('yes', 'no')),
    organiser_id    INTEGER REFERENCES person(id) ON DELETE SET NULL,
    follow_up_at    TEXT,
    outcome         TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (need_id, offer_id)
);

CREATE TABLE match_history (
    id          INTEGER PRIMARY KEY,
    match_id    INTEGER NOT NULL REFERENCES match(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES person(id) ON DELETE SET NULL,
    status      TEXT NOT NULL
);

CREATE TABLE claim (
    code        TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    created_by  INTEGER REFERENCES person(id) ON DELETE SET NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

CREATE TABLE digest_state (
    person_id   INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
    last_at     TEXT NOT NULL
);
