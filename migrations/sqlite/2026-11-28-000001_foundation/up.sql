-- Timestamps are UTC. Identifiers are UUIDs stored as text so that both
-- backends share one schema.rs.

CREATE TABLE organizers (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    email_canonical TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin BOOLEAN NOT NULL DEFAULT 0,
    verified_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    organizer_id TEXT NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_organizer_idx ON sessions (organizer_id);

CREATE TABLE petitions (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    owner_id TEXT NOT NULL REFERENCES organizers (id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    goal BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    -- A snapshot written in batches by the count store; never per signature.
    signature_count BIGINT NOT NULL DEFAULT 0,
    closes_at TIMESTAMP,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX petitions_owner_idx ON petitions (owner_id);
CREATE INDEX petitions_state_created_idx ON petitions (state, created_at);

CREATE TABLE targets (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('un', 'eu', 'government', 'parliament', 'company', 'other')),
    suggested BOOLEAN NOT NULL DEFAULT 0
);

CREATE TABLE petition_targets (
    petition_id TEXT NOT NULL REFERENCES petitions (id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES targets (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (petition_id, target_id)
);

CREATE TABLE signatures (
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
    -- One person, one signature: the database decides, not a prior SELECT.
    UNIQUE (petition_id, email_canonical)
);
CREATE INDEX signatures_recent_idx ON signatures (petition_id, state, confirmed_at);

CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL,
    signature_id TEXT REFERENCES signatures (id) ON DELETE CASCADE,
    organizer_id TEXT REFERENCES organizers (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX tokens_signature_idx ON tokens (signature_id);
CREATE INDEX tokens_organizer_idx ON tokens (organizer_id);

CREATE TABLE email_outbox (
    id TEXT PRIMARY KEY NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    -- Logged by the file transport so that local users can click through.
    action_url TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    failed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Confirmed counts spread over a few rows per petition, so that concurrent
-- confirmations on PostgreSQL do not queue on one hot row.
CREATE TABLE signature_count_shards (
    petition_id TEXT NOT NULL REFERENCES petitions (id) ON DELETE CASCADE,
    shard INTEGER NOT NULL,
    confirmed BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (petition_id, shard)
);

INSERT INTO targets (id, name, name_key, kind, suggested) VALUES
    ('6a4f3c1e-0b51-4c1e-9d51-000000000001', 'UN Secretary-General', 'un secretary-general', 'un', 1),
    ('6a4f3c1e-0b51-4c1e-9d51-000000000002', 'UN Human Rights Council', 'un human rights council', 'un', 1),
    ('6a4f3c1e-0b51-4c1e-9d51-000000000003', 'UNHCR', 'unhcr', 'un', 1),
    ('6a4f3c1e-0b51-4c1e-9d51-000000000004', 'European Parliament', 'european parliament', 'eu', 1),
    ('6a4f3c1e-0b51-4c1e-9d51-000000000005', 'European Commission', 'european commission', 'eu', 1),
    ('6a4f3c1e-0b51-4c1e-9d51-000000000006', 'President of the United States', 'president of the united states', 'government', 1),
    ('6a4f3c1e-0b51-4c1e-9d51-000000000007', 'US Congress', 'us congress', 'parliament', 1);
