-- A petition gathers signatures by the hundred thousand in days. Vacuum
-- the table after every 1 % of new rows rather than PostgreSQL's default
-- 20 %, so the visibility map stays current and the statistics and export
-- scans stay index-only instead of visiting every row.
ALTER TABLE signatures SET (
    autovacuum_vacuum_insert_scale_factor = 0.01,
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.02
);
