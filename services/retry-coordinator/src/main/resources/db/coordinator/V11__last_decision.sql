-- Why the coordinator decided what it did (policy origins, counter, budget, delay computation, what
-- would have changed it), for GET /api/v1/executions/{id}/explain, as JSON text (only Redrive reads
-- it back). A retry's goes with its retry context, in the row the retry writes anyway; a pause's
-- with the execution, whose row a pause updates anyway. Kept out of the execution row on retries:
-- widening that row on every failure cost the benchmark a fifth of its throughput.
ALTER TABLE retry_context ADD COLUMN decision TEXT;
ALTER TABLE execution ADD COLUMN last_decision TEXT;
-- A context with its decision passes PostgreSQL's default 2 kB toast threshold, and compressing
-- every such row cost about 60 us per failure in the benchmark: rows up to a page stay as they are
-- (as the outbox's do, V0_3).
ALTER TABLE retry_context SET (toast_tuple_target = 8160);
