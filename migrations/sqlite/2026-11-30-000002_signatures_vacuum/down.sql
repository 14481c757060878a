-- PostgreSQL only (autovacuum settings); kept so both folders stay in step.
SELECT 1;
