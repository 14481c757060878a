ALTER TABLE signatures DROP COLUMN log_index;
DROP TABLE log_heads;
DROP TABLE log_nodes;
DROP TABLE log_leaves;
DROP TABLE log_states;
