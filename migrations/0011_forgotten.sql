-- Erasures to apply again when a backup from before them is restored: a hash of the
-- person's row id and creation time, nothing that names them.
CREATE TABLE forgotten (
    hash        TEXT PRIMARY KEY,
    at          TEXT NOT NULL
);
