-- The language a petition is written in (`en` or `ko`), separate from the
-- language of the interface around it.
ALTER TABLE petitions ADD COLUMN language TEXT NOT NULL DEFAULT 'en';

-- Organizers' API tokens. Only the SHA-256 of a token is kept: it is shown
-- once, when made. A revoked token stays listed, marked, so its owner can
-- see what was cut off and when.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    organizer_id TEXT NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_organizer_idx ON api_tokens (organizer_id, created_at);
