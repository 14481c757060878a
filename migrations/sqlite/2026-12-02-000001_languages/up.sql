-- The language ('en' or 'ko') each signer and organizer uses the site in,
-- so that emails sent later (updates, reminders, password resets) speak it.
-- NULL for rows from before, read as English.
ALTER TABLE signatures ADD COLUMN locale TEXT;
ALTER TABLE organizers ADD COLUMN locale TEXT;
