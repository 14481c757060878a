-- Headers a rendered message keeps until it is sent: its language
-- (Content-Language) and, for an update, the list it belongs to (List-Id).
ALTER TABLE email_outbox ADD COLUMN content_language TEXT;
ALTER TABLE email_outbox ADD COLUMN list_id TEXT;
