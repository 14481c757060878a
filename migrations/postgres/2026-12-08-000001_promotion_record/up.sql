-- Who made an organizer an admin, and when: promotion is the one change
-- that hands over every petition, so it is kept on the account itself.
ALTER TABLE organizers ADD COLUMN promoted_by TEXT REFERENCES organizers (id) ON DELETE SET NULL;
ALTER TABLE organizers ADD COLUMN promoted_at TIMESTAMP;
