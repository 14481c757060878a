DROP TABLE api_tokens;
ALTER TABLE petitions DROP COLUMN language;
