-- Invalidated signatures count again: confirmed ones (those with a
-- confirmed_at) go back on their petition's count, the rest are pending.
UPDATE signature_count_shards SET confirmed = confirmed + (
    SELECT COUNT(*) FROM signatures s
    WHERE s.petition_id = signature_count_shards.petition_id
      AND s.state = 'invalidated' AND s.confirmed_at IS NOT NULL
) WHERE shard = 0;
UPDATE signatures
   SET state = CASE WHEN confirmed_at IS NOT NULL THEN 'confirmed' ELSE 'pending' END
 WHERE state = 'invalidated';

DROP INDEX signatures_invalidation_idx;
DROP INDEX signatures_abuse_idx;
ALTER TABLE signatures DROP COLUMN invalidation_id;
ALTER TABLE signatures DROP CONSTRAINT signatures_state_check;
ALTER TABLE signatures ADD CONSTRAINT signatures_state_check
    CHECK (state IN ('pending', 'confirmed'));
DROP TABLE signature_invalidations;
