-- Admins invalidate signatures that bots or fraud produced. The rows stay,
-- in state 'invalidated', so nothing that counts or lists 'confirmed'
-- signatures sees them, and a pending one can no longer be confirmed.
-- Whether an invalidated row had been confirmed is in confirmed_at.

-- One row per invalidation an admin made: what they asked for, and how
-- many signatures it matched.
CREATE TABLE signature_invalidations (
    id TEXT PRIMARY KEY NOT NULL,
    petition_id TEXT NOT NULL REFERENCES petitions (id) ON DELETE CASCADE,
    admin_id TEXT REFERENCES organizers (id) ON DELETE SET NULL,
    -- The criteria, ANDed; NULL where not given. signed_before is exclusive.
    ip_range TEXT,
    email_domain TEXT,
    signed_since TIMESTAMP,
    signed_before TIMESTAMP,
    matched BIGINT NOT NULL,
    confirmed BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX signature_invalidations_petition_idx ON signature_invalidations (petition_id, created_at);

ALTER TABLE signatures DROP CONSTRAINT signatures_state_check;
ALTER TABLE signatures ADD CONSTRAINT signatures_state_check
    CHECK (state IN ('pending', 'confirmed', 'invalidated'));
ALTER TABLE signatures ADD COLUMN invalidation_id TEXT
    REFERENCES signature_invalidations (id) ON DELETE SET NULL;

-- The abuse view groups a petition's last hour and last day of signatures
-- by IP, email domain and country: a range scan of this index alone.
CREATE INDEX signatures_abuse_idx ON signatures (petition_id, created_at)
    INCLUDE (state, ip, country, email_canonical);
CREATE INDEX signatures_invalidation_idx ON signatures (invalidation_id) WHERE invalidation_id IS NOT NULL;
