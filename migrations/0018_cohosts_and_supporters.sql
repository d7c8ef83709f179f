-- Who is paid for a co-hosted series (the co-host's share of the fee: none, half or all), the
-- part each payment went to, and supporters: people a kwartiermaker lets write the logs of a
-- series for them (a trainer or another kwartiermaker; table_session.logged_by says who wrote).

ALTER TABLE series ADD COLUMN cohost_share INTEGER NOT NULL DEFAULT 0
    CHECK (cohost_share IN (0, 50, 100));

ALTER TABLE payment ADD COLUMN part TEXT NOT NULL DEFAULT 'host'
    CHECK (part IN ('host', 'cohost'));

CREATE TABLE series_supporter (
    series_id   INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (series_id, person_id)
);
CREATE INDEX series_supporter_person ON series_supporter(person_id);
