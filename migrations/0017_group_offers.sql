-- Group offers (report §4.4.3: neighbours who wanted to learn to cook were taught as a
-- group; one resident's scooter served all residents). A kwartiermaker turns an open offer of
-- their circle into a group activity with a number of places and invites several residents
-- with an open need of the same or a related theme. The offerer answers once for the group;
-- each participant answers for their own seat; names go only between the offerer and a
-- participant who both said yes. One follow-up per agreed seat, one for the group.
-- Erasure: the group goes with its offer (the offerer's item), a seat with its need (the
-- participant's item); the kwartiermaker is unlinked.
CREATE TABLE group_offer (
    id              INTEGER PRIMARY KEY,
    offer_id        INTEGER NOT NULL UNIQUE REFERENCES item(id) ON DELETE CASCADE,
    organiser_id    INTEGER REFERENCES person(id) ON DELETE SET NULL,
    places          INTEGER NOT NULL CHECK (places BETWEEN 2 AND 10),
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'declined', 'ended')),
    host_answer     TEXT CHECK (host_answer IN ('yes', 'no')),
    asked_at        TEXT,           -- the offerer's one question was queued
    follow_up_at    TEXT,           -- the offerer's one follow-up is due then
    followed_up_at  TEXT,           -- and was queued then (never armed again)
    outcome         TEXT,           -- the offerer's last follow-up answer (1, 2 or 3)
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX group_offer_organiser ON group_offer(organiser_id);
CREATE INDEX group_offer_follow_up ON group_offer(follow_up_at) WHERE follow_up_at IS NOT NULL;

CREATE TABLE group_seat (
    id              INTEGER PRIMARY KEY,
    group_id        INTEGER NOT NULL REFERENCES group_offer(id) ON DELETE CASCADE,
    need_id         INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
    status          TEXT NOT NULL DEFAULT 'invited'
                    CHECK (status IN ('invited', 'agreed', 'done', 'declined')),
    answer          TEXT CHECK (answer IN ('yes', 'no')),
    follow_up_at    TEXT,
    outcome         TEXT,           -- the participant's last follow-up answer (1, 2 or 3)
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (group_id, need_id)
);
CREATE INDEX group_seat_need ON group_seat(need_id);
CREATE INDEX group_seat_follow_up ON group_seat(follow_up_at) WHERE follow_up_at IS NOT NULL;
