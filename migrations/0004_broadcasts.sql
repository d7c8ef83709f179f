-- Broadcasts: one row per message a trainer sends to a group; recipients are outbox rows
-- with ref 'broadcast:<id>'.

CREATE TABLE broadcast (
    id                  INTEGER PRIMARY KEY,
    created_by          INTEGER REFERENCES person(id) ON DELETE SET NULL,
    audience            TEXT NOT NULL,
    total               INTEGER NOT NULL,
    status              TEXT NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'done')),
    status_chat_id      INTEGER,
    status_message_id   INTEGER,
    created_at          TEXT NOT NULL,
    finished_at         TEXT
);
