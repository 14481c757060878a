DROP INDEX signatures_without_leaf;
ALTER TABLE signatures DROP COLUMN commitment;
DROP TABLE log_queue;
DROP TABLE log_heads;
DROP TABLE log_nodes;
DROP TABLE log_leaves;
DROP TABLE log_states;
