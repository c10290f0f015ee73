-- One row per execution, for the audit's index page: kept up to date in the transaction that stores
-- each batch of events (persistence/JdbcExecutionIndex, rules in domain/ExecutionSummary), so the
-- listing never reads audit_event. Filled here from the events already stored.
CREATE SEQUENCE audit_execution_change;

CREATE TABLE audit_execution (
    execution_id          TEXT        PRIMARY KEY,
    pipeline              TEXT,                   -- the first one an event named
    status                TEXT        NOT NULL,   -- dev.redrive.contract.ExecutionStatus
    status_at             TIMESTAMPTZ,            -- when the event that set it occurred
    phase                 TEXT,                   -- named by the latest event that names one
    phase_at              TIMESTAMPTZ,
    last_failure_type     TEXT,
    failure_at            TIMESTAMPTZ,
    first_event_at        TIMESTAMPTZ NOT NULL,
    last_event_at         TIMESTAMPTZ NOT NULL,   -- the listing's order, newest first
    last_event_type       TEXT        NOT NULL,
    attempts              INT         NOT NULL,   -- AttemptStarted events
    events                INT         NOT NULL,
    original_execution_id TEXT,                   -- this execution resubmits that one
    resubmissions         TEXT[]      NOT NULL DEFAULT '{}',  -- at most 20, oldest first
    resubmission_count    INT         NOT NULL DEFAULT 0,
    change_seq            BIGINT      NOT NULL DEFAULT nextval('audit_execution_change'),
    changed_at            TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()  -- live catch-up
);
-- the listing (newest first, paged by (last_event_at, execution_id)), also by pipeline and status;
-- retention deletes by last_event_at
CREATE INDEX audit_execution_recent ON audit_execution (last_event_at DESC, execution_id DESC);
CREATE INDEX audit_execution_by_pipeline
    ON audit_execution (pipeline, last_event_at DESC, execution_id DESC);
CREATE INDEX audit_execution_by_status
    ON audit_execution (status, last_event_at DESC, execution_id DESC);
CREATE INDEX audit_execution_changed ON audit_execution (changed_at);

-- the same rules as ExecutionSummary: each field from the event that occurred last among those
-- that set it, ties to the one stored last (highest id); the pipeline from the first stored
WITH totals AS (
    SELECT execution_id, min(occurred_at) AS first_at, max(occurred_at) AS last_at,
           count(*) AS events, count(*) FILTER (WHERE event_type = 'AttemptStarted') AS attempts
    FROM audit_event GROUP BY execution_id
), first_pipeline AS (
    SELECT DISTINCT ON (execution_id) execution_id, pipeline
    FROM audit_event WHERE pipeline IS NOT NULL ORDER BY execution_id, id
), last_event AS (
    SELECT DISTINCT ON (execution_id) execution_id, event_type
    FROM audit_event ORDER BY execution_id, occurred_at DESC, id DESC
), last_status AS (
    SELECT DISTINCT ON (execution_id) execution_id, occurred_at,
           CASE
               WHEN event_type IN ('ExecutionStarted', 'AttemptStarted', 'PhaseStarted', 'RolledBack')
                   THEN 'RUNNING'
               WHEN event_type IN ('AttemptFailed', 'ExecutionHalted') THEN 'HALTED'
               WHEN event_type = 'RetryScheduled' THEN 'RETRY_SCHEDULED'
               WHEN event_type = 'InterventionRequired' THEN 'PAUSED'
               WHEN event_type = 'ExecutionSucceeded' THEN 'SUCCEEDED'
               ELSE 'CANCELLED'
           END AS status
    FROM audit_event
    WHERE event_type IN ('ExecutionStarted', 'AttemptStarted', 'PhaseStarted', 'RolledBack',
                         'AttemptFailed', 'ExecutionHalted', 'RetryScheduled',
                         'InterventionRequired', 'ExecutionSucceeded', 'ExecutionCancelled')
    ORDER BY execution_id, occurred_at DESC, id DESC
), last_phase AS (
    SELECT DISTINCT ON (execution_id) execution_id, occurred_at,
           coalesce(payload -> 'payload' ->> 'phase', payload -> 'payload' ->> 'toPhase') AS phase
    FROM audit_event
    WHERE event_type NOT IN ('RetriesPaused', 'RetriesUnpaused')
      AND coalesce(payload -> 'payload' ->> 'phase', payload -> 'payload' ->> 'toPhase') IS NOT NULL
    ORDER BY execution_id, occurred_at DESC, id DESC
), last_failure AS (
    SELECT DISTINCT ON (execution_id) execution_id, occurred_at, failure_type
    FROM audit_event WHERE failure_type IS NOT NULL
    ORDER BY execution_id, occurred_at DESC, id DESC
), original AS (
    SELECT DISTINCT ON (execution_id) execution_id, payload -> 'payload' ->> 'resubmitOf' AS original
    FROM audit_event
    WHERE event_type = 'StartExecution' AND payload -> 'payload' ->> 'resubmitOf' IS NOT NULL
    ORDER BY execution_id, id
), links AS (
    SELECT execution_id,
           (array_agg(new_id ORDER BY first_id))[1:20] AS ids, count(*) AS n
    FROM (SELECT execution_id, payload -> 'payload' ->> 'newExecutionId' AS new_id,
                 min(id) AS first_id
          FROM audit_event
          WHERE event_type = 'ExecutionResubmitted'
            AND payload -> 'payload' ->> 'newExecutionId' IS NOT NULL
          GROUP BY execution_id, payload -> 'payload' ->> 'newExecutionId') AS distinct_links
    GROUP BY execution_id
)
INSERT INTO audit_execution (execution_id, pipeline, status, status_at, phase, phase_at,
                             last_failure_type, failure_at, first_event_at, last_event_at,
                             last_event_type, attempts, events, original_execution_id,
                             resubmissions, resubmission_count)
SELECT t.execution_id, p.pipeline, coalesce(s.status, 'RUNNING'), s.occurred_at, ph.phase,
       ph.occurred_at, f.failure_type, f.occurred_at, t.first_at, t.last_at, l.event_type,
       t.attempts, t.events, o.original, coalesce(k.ids, '{}'), coalesce(k.n, 0)
FROM totals t
JOIN last_event l USING (execution_id)
LEFT JOIN first_pipeline p USING (execution_id)
LEFT JOIN last_status s USING (execution_id)
LEFT JOIN last_phase ph USING (execution_id)
LEFT JOIN last_failure f USING (execution_id)
LEFT JOIN original o USING (execution_id)
LEFT JOIN links k USING (execution_id)
-- decisions about no one execution (dev.redrive.contract.EventKeys): wide pauses, dead-letter replays
WHERE t.execution_id NOT IN ('redrive-pauses', 'redrive-dead-letters');
