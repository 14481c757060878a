-- Admins invalidate signatures that bots or fraud produced. The rows stay,
-- in state 'invalidated', so nothing that counts or lists 'confirmed'
-- signatures sees them, and a pending one can no longer be confirmed.
-- Whether an invalidated row had been confirmed is in confirmed_at.
--
-- SQLite cannot change a CHECK constraint in place, so the table is
-- rebuilt (https://www.sqlite.org/lang_altertable.html#otheralter). Foreign
-- keys must be off while it is: with them on, dropping the old table would
-- cascade to every token and queued email of a signature.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

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

CREATE TABLE signatures_new (
    id TEXT PRIMARY KEY NOT NULL,
    petition_id TEXT NOT NULL REFERENCES petitions (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_canonical TEXT NOT NULL,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    postcode TEXT,
    comment TEXT,
    public BOOLEAN NOT NULL,
    updates BOOLEAN NOT NULL,
    source TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'invalidated')),
    emails_sent INTEGER NOT NULL,
    ip TEXT,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    emails_window_start TIMESTAMP,
    pending_until TIMESTAMP,
    invalidation_id TEXT REFERENCES signature_invalidations (id) ON DELETE SET NULL,
    -- One person, one signature: the database decides, not a prior SELECT.
    UNIQUE (petition_id, email_canonical)
);
INSERT INTO signatures_new (
    id, petition_id, email, email_canonical, name, country, postcode, comment,
    public, updates, source, state, emails_sent, ip, created_at, confirmed_at,
    emails_window_start, pending_until
)
SELECT
    id, petition_id, email, email_canonical, name, country, postcode, comment,
    public, updates, source, state, emails_sent, ip, created_at, confirmed_at,
    emails_window_start, pending_until
FROM signatures;
DROP TABLE signatures;
ALTER TABLE signatures_new RENAME TO signatures;

CREATE INDEX signatures_recent_idx ON signatures (petition_id, state, confirmed_at);
CREATE INDEX signatures_pending_until_idx ON signatures (pending_until) WHERE state = 'pending';
CREATE INDEX signatures_stats_idx ON signatures (petition_id, state, country, source);
-- The abuse view groups a petition's last hour and last day of signatures
-- by IP, email domain and country: a range scan of this index alone.
CREATE INDEX signatures_abuse_idx ON signatures (petition_id, created_at, state, ip, country, email_canonical);
CREATE INDEX signatures_invalidation_idx ON signatures (invalidation_id) WHERE invalidation_id IS NOT NULL;

COMMIT;
PRAGMA foreign_keys = ON;
