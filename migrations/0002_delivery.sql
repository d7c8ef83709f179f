-- The outbox: every message the bot sends on its own initiative, written in the same
-- transaction as the fact that caused it, and drained by the delivery worker.

ALTER TABLE person ADD COLUMN unreachable_at TEXT;

CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY,
    person_id           INTEGER REFERENCES person(id) ON DELETE CASCADE,
    chat_id             INTEGER NOT NULL,
    kind                TEXT NOT NULL,
    ref                 TEXT,
    payload             TEXT NOT NULL,
    due_at              TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                        ('pending', 'sending', 'sent', 'blocked', 'failed', 'unknown', 'cancelled')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    last_error          TEXT,
    telegram_message_id INTEGER,
    sent_at             TEXT,
    created_at          TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(status, due_at);
CREATE INDEX outbox_ref ON outbox(ref);
