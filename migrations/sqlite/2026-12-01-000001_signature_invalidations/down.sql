-- Invalidated signatures count again: confirmed ones (those with a
-- confirmed_at) go back on their petition's count, the rest are pending.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

UPDATE signature_count_shards SET confirmed = confirmed + (
    SELECT COUNT(*) FROM signatures s
    WHERE s.petition_id = signature_count_shards.petition_id
      AND s.state = 'invalidated' AND s.confirmed_at IS NOT NULL
) WHERE shard = 0;

CREATE TABLE signatures_old (
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
    state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed')),
    emails_sent INTEGER NOT NULL,
    ip TEXT,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    emails_window_start TIMESTAMP,
    pending_until TIMESTAMP,
    UNIQUE (petition_id, email_canonical)
);
INSERT INTO signatures_old (
    id, petition_id, email, email_canonical, name, country, postcode, comment,
    public, updates, source, state, emails_sent, ip, created_at, confirmed_at,
    emails_window_start, pending_until
)
SELECT
    id, petition_id, email, email_canonical, name, country, postcode, comment,
    public, updates, source,
    CASE WHEN state <> 'invalidated' THEN state
         WHEN confirmed_at IS NOT NULL THEN 'confirmed'
         ELSE 'pending' END,
    emails_sent, ip, created_at, confirmed_at, emails_window_start, pending_until
FROM signatures;
DROP TABLE signatures;
ALTER TABLE signatures_old RENAME TO signatures;

CREATE INDEX signatures_recent_idx ON signatures (petition_id, state, confirmed_at);
CREATE INDEX signatures_pending_until_idx ON signatures (pending_until) WHERE state = 'pending';
CREATE INDEX signatures_stats_idx ON signatures (petition_id, state, country, source);

DROP TABLE signature_invalidations;

COMMIT;
PRAGMA foreign_keys = ON;
