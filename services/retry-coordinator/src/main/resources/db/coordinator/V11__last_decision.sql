-- The coordinator's last decision about each execution, with why (policy origins, counter, budget,
-- delay computation, what would have changed it): what GET /api/v1/executions/{id}/explain shows.
-- Written by the statement that already updates the execution, so a decision costs no extra one.
ALTER TABLE execution ADD COLUMN last_decision JSONB;
