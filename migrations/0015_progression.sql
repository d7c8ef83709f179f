-- Progression recorded, not computed: each step a kwartiermaker takes (the apprentice
-- certificate, the journeyman test, the master test), when, and which trainer decided.
-- A note is kept when a trainer gave the certificate beyond the limit of missed training
-- days. The rows are the kwartiermaker's: they go with the person (/forget).
CREATE TABLE stage_event (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    stage           TEXT NOT NULL CHECK (stage IN ('apprentice', 'journeyman', 'master')),
    decided_by      INTEGER REFERENCES person(id) ON DELETE SET NULL,
    decided_at      TEXT NOT NULL,
    note            TEXT,
    override        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (person_id, stage)
);
CREATE INDEX stage_event_decided_by ON stage_event(decided_by);

-- The certificates recorded so far become the first stage events.
INSERT INTO stage_event (person_id, stage, decided_by, decided_at)
    SELECT person_id, 'apprentice', recorded_by, recorded_at FROM certificate;
DROP TABLE certificate;
