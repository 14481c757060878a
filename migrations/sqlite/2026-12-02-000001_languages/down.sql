ALTER TABLE organizers DROP COLUMN locale;
ALTER TABLE signatures DROP COLUMN locale;
