-- The exit criteria of a failed attempt move into the attempt row (a JSON array in the order the
-- runner reported them). As a table of their own they cost two inserts per failure, each with a
-- foreign-key check, and a join on every history read: 24% of the coordinator's database time in
-- the benchmark (docs/performance.md). Nothing queries single checks.
ALTER TABLE attempt ADD COLUMN checks JSONB NOT NULL DEFAULT '[]';
UPDATE attempt a SET checks = c.checks
FROM (SELECT attempt_id,
             jsonb_agg(jsonb_build_object('name', name, 'passed', passed,
                                          'outputExcerpt', output_excerpt) ORDER BY position) AS checks
      FROM attempt_check GROUP BY attempt_id) c
WHERE a.attempt_id = c.attempt_id;
DROP TABLE attempt_check;

-- No query reads retry contexts by execution (they are read by command id); the index only cost
-- an insert per retry.
DROP INDEX retry_context_by_execution;
