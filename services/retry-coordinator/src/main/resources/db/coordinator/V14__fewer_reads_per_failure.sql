-- Performance step 2 (issue 16): a phase's first failure needs no read of its history.
-- Every failure the phase ever had, counted against its policy or handled by its pipeline's loop:
-- when it is 1, the failure just recorded is the whole history. Null on rows written before this
-- version (not known: the history is read, as before). A reset leaves it as it is.
ALTER TABLE phase_counter ADD COLUMN failures INT;

-- The command of the execution's last retry: its retry_context row keeps that retry's why, which
-- GET /api/v1/executions/{id}/explain shows. retry_context has no index by execution (V4 dropped
-- it to write less per failure), so finding an execution's last retry there read the whole table.
-- Filled here for the executions whose retries already keep a why (since V11).
ALTER TABLE execution ADD COLUMN last_retry_command TEXT;
UPDATE execution x SET last_retry_command = r.command_id
FROM (SELECT DISTINCT ON (execution_id) execution_id, command_id FROM retry_context
      WHERE decision IS NOT NULL ORDER BY execution_id, created_at DESC) r
WHERE r.execution_id = x.execution_id;
