ALTER TABLE organizers DROP COLUMN promoted_at;
ALTER TABLE organizers DROP COLUMN promoted_by;
