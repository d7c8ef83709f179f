-- The language the inviter picked for whom they invite: the forwardable text is written in
-- it, and the invitee starts in it (they can still pick another).
ALTER TABLE invite ADD COLUMN language TEXT;
