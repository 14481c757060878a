DROP INDEX tokens_expires_idx;
DROP INDEX email_outbox_signature_idx;
ALTER TABLE email_outbox DROP COLUMN due_since;
ALTER TABLE email_outbox DROP COLUMN signature_id;
DROP INDEX signatures_pending_until_idx;
ALTER TABLE signatures DROP COLUMN pending_until;
ALTER TABLE signatures DROP COLUMN emails_window_start;
ALTER TABLE tokens DROP COLUMN payload;
