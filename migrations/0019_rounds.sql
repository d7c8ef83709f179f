-- Rounds (cohorts) of the programme (report §5.7, recommendations 4 and 5: a follow-up
-- training, train-the-trainer): a name and the dates it runs. A kwartiermaker belongs to at
-- most one round (the one their invite named, or where a trainer put them); a voucher belongs
-- to the round its requester was in. Vouchers (one per kwartiermaker, the cap), missed training
-- days and /table count per round.
-- starts_on/ends_on are the days the trainer typed (local dates); opens_at/closes_at are the
-- same days as UTC instants (local midnight at the start, local midnight after the end), so a
-- training day at 09:00 local time falls inside its round whatever the offset.
-- A round holds no personal data: person.round_id goes with the person (/forget).
CREATE TABLE round (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    opens_at    TEXT NOT NULL,
    closes_at   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);

ALTER TABLE person ADD COLUMN round_id INTEGER REFERENCES round(id) ON DELETE SET NULL;
ALTER TABLE invite ADD COLUMN round_id INTEGER REFERENCES round(id) ON DELETE SET NULL;
ALTER TABLE voucher ADD COLUMN round_id INTEGER REFERENCES round(id) ON DELETE SET NULL;
CREATE INDEX person_round ON person(round_id);
CREATE INDEX voucher_round ON voucher(round_id, status);
