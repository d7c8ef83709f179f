-- When the organiser was told that a person cannot come to a date: at most one such notice
-- per person, event and date, however often the answer is tapped or changed.

ALTER TABLE rsvp ADD COLUMN told_at TEXT;
