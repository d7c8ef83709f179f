-- A need told only by voice: the kwartiermaker listens and picks the theme later. Not in
-- the grid (inactive), but a valid category for stored items.
INSERT INTO category (code, emoji, position, active) VALUES ('told', '🎤', 99, 0);

-- Recorded prompts: a short voice note per conversation step and language, sent with that
-- step's question. The recording is the recorder's voice: it goes when they are erased.
CREATE TABLE prompt (
    step            TEXT NOT NULL,
    language        TEXT NOT NULL,
    voice_file_id   TEXT NOT NULL,
    seconds         INTEGER,
    recorded_by     INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (step, language)
);
