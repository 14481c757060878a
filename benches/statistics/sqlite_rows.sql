-- 200,000 signatures for the petition :pid (substituted by the script),
-- spread like a real campaign: 90% confirmed, most of them recent, over
-- 60 days; countries and share sources skewed towards a few.
INSERT INTO signatures (id, petition_id, email, email_canonical, name, country,
    public, updates, source, state, emails_sent, created_at, confirmed_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000),
spread AS (
    SELECT i,
        (i * 7919) % 100 AS c,
        (i * 104729) % 100 AS s,
        ((i * 7) % 200000) * ((i * 7) % 200000) / 200000 * 5184000 / 200000 AS ago
    FROM n
)
SELECT 'bench-' || i, '__PETITION_ID__', 'b' || i || '@example.com', 'b' || i || '@example.com',
    'Bench ' || i,
    CASE WHEN c < 30 THEN 'DE' WHEN c < 45 THEN 'FR' WHEN c < 55 THEN 'US'
         WHEN c < 63 THEN 'GB' WHEN c < 70 THEN 'KR' WHEN c < 76 THEN 'IT'
         WHEN c < 81 THEN 'ES' WHEN c < 85 THEN 'NL' WHEN c < 88 THEN 'PL'
         WHEN c < 90 THEN 'SE'
         ELSE substr('ATBEBGCHCZDKEEFIGRHRHUIEISLTLULVMTNOPTROSISKJPBRCAAUINMXARZANZ', 1 + 2 * (i % 31), 2) END,
    i % 3 = 0, i % 2 = 0,
    CASE WHEN s < 50 THEN NULL WHEN s < 65 THEN 'facebook' WHEN s < 75 THEN 'x'
         WHEN s < 83 THEN 'whatsapp' WHEN s < 88 THEN 'telegram' WHEN s < 92 THEN 'email'
         WHEN s < 95 THEN 'reddit' WHEN s < 97 THEN 'line' ELSE 'kakaostory' END,
    CASE WHEN i % 10 = 0 THEN 'pending' ELSE 'confirmed' END,
    1,
    datetime('now', '-' || (ago + 600) || ' seconds'),
    CASE WHEN i % 10 = 0 THEN NULL ELSE datetime('now', '-' || ago || ' seconds') END
FROM spread;
UPDATE signature_count_shards SET confirmed = confirmed + 180000
WHERE petition_id = '__PETITION_ID__' AND shard = 0;
ANALYZE;
