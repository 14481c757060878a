-- What a confirmation link confirms: the details of the submission that
-- asked for it, so that a later submission with the same address cannot
-- change what the owner of the address agrees to.
ALTER TABLE tokens ADD COLUMN payload TEXT;

-- The resend cap counts emails per rolling window, not forever, so a
-- spent cap cannot lock an address out.
ALTER TABLE signatures ADD COLUMN emails_window_start TIMESTAMP;
-- A pending signature is purged once its last confirmation link expires.
ALTER TABLE signatures ADD COLUMN pending_until TIMESTAMP;
CREATE INDEX signatures_pending_until_idx ON signatures (pending_until) WHERE state = 'pending';

-- An email about a signature goes when the signature goes (withdrawal,
-- purge), so the outbox keeps no record of who signed what.
ALTER TABLE email_outbox ADD COLUMN signature_id TEXT REFERENCES signatures (id) ON DELETE CASCADE;
CREATE INDEX email_outbox_signature_idx ON email_outbox (signature_id);
-- When an email first became due. Retries move next_attempt_at on; this
-- stays, so /health can tell how long mail has really been waiting.
ALTER TABLE email_outbox ADD COLUMN due_since TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE email_outbox SET due_since = created_at;
CREATE INDEX tokens_expires_idx ON tokens (expires_at);

UPDATE signatures SET pending_until = datetime(created_at, '+7 days') WHERE state = 'pending';
