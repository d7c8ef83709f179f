-- A claim link opens only with the short code the kwartiermaker reads out; five wrong tries
-- stop the link; a kwartiermaker can stop a link or issue a new one.
ALTER TABLE claim ADD COLUMN pin_hash TEXT;
ALTER TABLE claim ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claim ADD COLUMN revoked_at TEXT;
