-- The inbox: updates from Telegram are stored here before getUpdates confirms them, and each is
-- deleted in the same transaction as everything its handling wrote. ``inbox_mark`` keeps the
-- highest update handled, so a repeated update_id is recognised after its row is gone.

CREATE TABLE inbox (
    update_id    INTEGER PRIMARY KEY,
    payload      TEXT NOT NULL,
    received_at  TEXT NOT NULL
);

CREATE TABLE inbox_mark (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    last_done  INTEGER NOT NULL
);
INSERT INTO inbox_mark (id, last_done) VALUES (1, 0);

-- Replies to an update, stored in the update's transaction and deleted once sent; a crash
-- between the two leaves them here, to be sent at the next start.
CREATE TABLE reply (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,
    ref         TEXT,
    payload     TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX reply_due ON reply(due_at);

-- Messages the bot edits later (a broadcast's status), by name: the id Telegram gave them.
CREATE TABLE sent_ref (
    ref         TEXT PRIMARY KEY,
    status      TEXT NOT NULL,
    message_id  INTEGER
);
