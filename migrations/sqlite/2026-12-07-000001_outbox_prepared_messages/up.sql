-- Signing mail is queued as the message's data (JSON) and rendered when it
-- is sent, so that the single writer's transaction renders nothing and
-- writes a few hundred bytes rather than a rendered body. Its subject and
-- bodies stay empty; other mail is still queued rendered.
ALTER TABLE email_outbox ADD COLUMN message TEXT;
