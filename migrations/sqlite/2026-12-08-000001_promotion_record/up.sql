-- Who made an organizer an admin, and when: promotion is the one change
-- that hands over every petition, so it is kept on the account itself.
-- Without a foreign key here: SQLite cannot drop a column that has one,
-- so the migration could not be reverted.
ALTER TABLE organizers ADD COLUMN promoted_by TEXT;
ALTER TABLE organizers ADD COLUMN promoted_at TIMESTAMP;
