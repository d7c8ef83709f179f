-- Individual talks on request ("Waar loop ik tegenaan?", report §3.7): a resident or a
-- kwartiermaker asks, a trainer proposes a time, the requester accepts or asks for another.
-- The agreed talk is an event for just these two people, so the reminder job reminds both.
-- What the requester wrote or said is private (only trainers read it); the row goes with
-- the requester (/forget), and erasure also removes the event of their talk.
CREATE TABLE consultation (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    text            TEXT NOT NULL DEFAULT '',
    voice_file_id   TEXT,
    voice_seconds   INTEGER,
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'proposed', 'agreed', 'withdrawn')),
    trainer_id      INTEGER REFERENCES person(id) ON DELETE SET NULL, -- who proposed last
    proposed_start  TEXT,
    proposed_end    TEXT,
    proposed_place  TEXT NOT NULL DEFAULT '',
    round           INTEGER NOT NULL DEFAULT 0, -- one more per proposal: older buttons are stale
    event_id        INTEGER REFERENCES event(id) ON DELETE SET NULL, -- the agreed talk
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX consultation_person ON consultation(person_id);
CREATE INDEX consultation_trainer ON consultation(trainer_id);
CREATE INDEX consultation_status ON consultation(status);
