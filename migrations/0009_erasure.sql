-- Who a queued or sent message is about (besides its recipient): erasing a person blanks every
-- message that names them or quotes them, and cancels those not yet sent.
CREATE TABLE outbox_about (
    outbox_id   INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL,
    PRIMARY KEY (outbox_id, person_id)
);
CREATE INDEX outbox_about_person ON outbox_about(person_id);
