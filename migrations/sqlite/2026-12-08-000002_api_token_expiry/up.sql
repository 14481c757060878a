-- API tokens expire. Tokens made before this get a year from their making.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
UPDATE api_tokens SET expires_at = datetime(created_at, '+365 days');
