-- Performance step 2 (issue 16): the first failure of a phase, counted, writes no phase_counter row;
-- its FAILED attempt is its count (the attempts topic is keyed by execution, so a phase's failures
-- are counted one at a time and a second one finds the first). A row is written from the phase's
-- second failure on, for a failure the pipeline's loop handles, for a failure of a source topic
-- (which may be keyed otherwise), and by a reset of a phase that failed once. Most phases that fail
-- fail once: their counter was a fifth of the rows and a tenth of PostgreSQL's time per failure.
--
-- A phase's count, where it has one: its counter's row, or else its FAILED attempts (then at most
-- one, counted). Read the counts here, not from phase_counter. A later migration that changes a
-- column this view reads must drop and create it again.
CREATE VIEW phase_failure_count AS
SELECT execution_id, phase, failed_attempts, failures
FROM phase_counter
UNION ALL
SELECT a.execution_id, a.phase, count(*)::int, count(*)::int
FROM attempt a
WHERE a.outcome = 'FAILED'
  AND NOT EXISTS (
    SELECT 1 FROM phase_counter k WHERE k.execution_id = a.execution_id AND k.phase = a.phase)
GROUP BY a.execution_id, a.phase;
