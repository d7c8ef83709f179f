-- People, invites, the audit log and the persistence of conversation state.

CREATE TABLE person (
    id              INTEGER PRIMARY KEY,
    telegram_id     INTEGER UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('resident', 'organiser', 'trainer', 'admin')),
    language        TEXT NOT NULL,
    consent_version TEXT NOT NULL,
    consent_at      TEXT NOT NULL,
    invited_by      INTEGER REFERENCES person(id) ON DELETE SET NULL,
    invite_id       INTEGER REFERENCES invite(id) ON DELETE SET NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL
);
CREATE INDEX person_invited_by ON person(invited_by);

CREATE TABLE invite (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('resident', 'organiser', 'trainer')),
    created_by  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    max_uses    INTEGER,               -- NULL: no limit
    uses        INTEGER NOT NULL DEFAULT 0,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX invite_created_by ON invite(created_by);

-- Who did what to which record; never message content or names.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    action      TEXT NOT NULL,
    subject     TEXT
);

-- python-telegram-bot persistence, as JSON (no pickles: this is health and money data).
CREATE TABLE ptb_user_data (
    user_id INTEGER PRIMARY KEY,
    data    TEXT NOT NULL
);
CREATE TABLE ptb_chat_data (
    chat_id INTEGER PRIMARY KEY,
    data    TEXT NOT NULL
);
CREATE TABLE ptb_conversation (
    name    TEXT NOT NULL,
    key     TEXT NOT NULL,   -- JSON array, e.g. [chat_id, user_id]
    state   TEXT NOT NULL,   -- JSON value
    PRIMARY KEY (name, key)
);
