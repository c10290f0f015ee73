-- GET /api/v1/executions lists executions most recently changed first and pages on
-- (updated_at, execution_id); without this index every page would sort the whole table.
CREATE INDEX execution_recent ON execution (updated_at DESC, execution_id DESC);
