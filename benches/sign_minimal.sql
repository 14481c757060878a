-- The minimal signing schema for the PostgreSQL reference
-- (benches/sign_minimal.pgbench), the same as examples/raw_sqlite_minimal.rs
-- creates on SQLite: integer keys, and only the index deduplication needs.
CREATE TABLE signatures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    petition_id bigint NOT NULL,
    email text NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (petition_id, email)
);
CREATE TABLE outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    signature_id bigint NOT NULL,
    recipient text NOT NULL,
    payload text NOT NULL,
    due_at timestamptz NOT NULL
);
