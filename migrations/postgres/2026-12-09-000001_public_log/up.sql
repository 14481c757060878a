-- The public log: an append-only Merkle tree per petition (see
-- docs/verifiable-count.md). Leaves, nodes and heads are only ever
-- inserted; log_states keeps each log's running size and totals. A change
-- to the count queues its entry in log_queue in its own transaction; the
-- sequencer alone gives entries their places, so confirmations never wait
-- on one another for the log.
CREATE TABLE log_states (
    petition_id TEXT PRIMARY KEY NOT NULL REFERENCES petitions (id),
    size BIGINT NOT NULL DEFAULT 0,
    adds BIGINT NOT NULL DEFAULT 0,
    revokes BIGINT NOT NULL DEFAULT 0,
    -- Heads published so far, and the size and time of the latest.
    head_seq BIGINT NOT NULL DEFAULT 0,
    head_size BIGINT NOT NULL DEFAULT 0,
    head_at TIMESTAMP
);
INSERT INTO log_states (petition_id) SELECT id FROM petitions;

CREATE TABLE log_leaves (
    petition_id TEXT NOT NULL REFERENCES petitions (id),
    idx BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('add', 'revoke')),
    revokes BIGINT,
    day TEXT NOT NULL,
    commitment BYTEA NOT NULL,
    leaf_hash BYTEA NOT NULL,
    PRIMARY KEY (petition_id, idx)
);
-- A counted signature is taken back at most once.
CREATE UNIQUE INDEX log_leaves_revokes ON log_leaves (petition_id, revokes) WHERE revokes IS NOT NULL;
-- Proofs are asked for by receipt (its commitment) or by leaf hash.
CREATE INDEX log_leaves_commitment ON log_leaves (commitment);
CREATE INDEX log_leaves_leaf_hash ON log_leaves (leaf_hash);

-- Hashes of the complete subtrees above the leaves (level >= 1), written
-- as each completes, so that roots and proofs take O(log n) lookups.
CREATE TABLE log_nodes (
    petition_id TEXT NOT NULL,
    level INTEGER NOT NULL,
    idx BIGINT NOT NULL,
    hash BYTEA NOT NULL,
    PRIMARY KEY (petition_id, level, idx)
);

-- Every signed head, kept forever.
CREATE TABLE log_heads (
    petition_id TEXT NOT NULL REFERENCES petitions (id),
    seq BIGINT NOT NULL,
    tree_size BIGINT NOT NULL,
    root_hash BYTEA NOT NULL,
    adds BIGINT NOT NULL,
    revokes BIGINT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    signature BYTEA NOT NULL,
    PRIMARY KEY (petition_id, seq)
);

-- Entries written by the transactions that change the count, waiting for
-- the sequencer, which takes them in id order. A revoke carries the
-- commitment of the add it takes back.
CREATE TABLE log_queue (
    id BIGSERIAL PRIMARY KEY,
    petition_id TEXT NOT NULL REFERENCES petitions (id),
    kind TEXT NOT NULL CHECK (kind IN ('add', 'revoke')),
    commitment BYTEA NOT NULL,
    day TEXT NOT NULL
);
-- A signature is added once and taken back once.
CREATE UNIQUE INDEX log_queue_entry ON log_queue (petition_id, commitment, kind);

-- The receipt commitment of a confirmed signature's add leaf, which a
-- withdrawal or an invalidation revokes.
ALTER TABLE signatures ADD COLUMN commitment BYTEA;
-- What the start-up backfill looks for, found without reading every
-- signature at each start: normally nothing.
CREATE INDEX signatures_without_leaf ON signatures (id)
    WHERE state = 'confirmed' AND commitment IS NULL;
