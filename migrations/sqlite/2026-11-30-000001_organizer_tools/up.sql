-- Moderation: an admin hides a petition with a reason its owner can read.
ALTER TABLE petitions ADD COLUMN hidden_at TIMESTAMP;
ALTER TABLE petitions ADD COLUMN hidden_reason TEXT;
ALTER TABLE petitions ADD COLUMN hidden_by TEXT REFERENCES organizers (id) ON DELETE SET NULL;
-- Set once, by whichever instance first sees the count pass the goal, so
-- the organizer is told exactly once.
ALTER TABLE petitions ADD COLUMN goal_reached_at TIMESTAMP;

-- News from the organizer, shown on the petition page and emailed to the
-- confirmed signers who asked for it. The email goes out in batches: the
-- cursor is the last signature handed to the outbox, so a restart resumes.
CREATE TABLE petition_updates (
    id TEXT PRIMARY KEY NOT NULL,
    petition_id TEXT NOT NULL REFERENCES petitions (id) ON DELETE CASCADE,
    author_id TEXT REFERENCES organizers (id) ON DELETE SET NULL,
    subject TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    cursor_confirmed_at TIMESTAMP,
    cursor_signature_id TEXT,
    recipients BIGINT NOT NULL DEFAULT 0,
    delivered_at TIMESTAMP
);
CREATE INDEX petition_updates_petition_idx ON petition_updates (petition_id, created_at);
CREATE INDEX petition_updates_pending_idx ON petition_updates (created_at) WHERE delivered_at IS NULL;

-- Bulk mail is tagged with its update, so the fan-out can hold back while
-- a batch is still unsent and confirmation emails never queue behind it.
ALTER TABLE email_outbox ADD COLUMN update_id TEXT REFERENCES petition_updates (id) ON DELETE CASCADE;
CREATE INDEX email_outbox_update_unsent_idx ON email_outbox (update_id) WHERE sent_at IS NULL AND failed_at IS NULL;
-- The one-click unsubscribe address (RFC 8058) of a bulk email.
ALTER TABLE email_outbox ADD COLUMN list_unsubscribe TEXT;

-- Statistics by country and by source read only this index.
CREATE INDEX signatures_stats_idx ON signatures (petition_id, state, country, source);
