ALTER TABLE email_outbox DROP COLUMN list_id;
ALTER TABLE email_outbox DROP COLUMN content_language;
