-- What the coordinator decided about each failure it decided, for the what-if replay
-- (POST /api/v1/policies/what-if): replaying a window under a proposed policy sets each failure's
-- new decision against what really followed it (a retry and the delay it drew, a pause and its
-- cause, the retry budget's refusals, a check the pipeline's loop handled), and needs the facts
-- the decision weighed that the attempt row does not keep (the phase's declared policy, the
-- reporter's Retry-After). One row per failure, written set-based with its batch; nothing on the
-- decision path reads it.
CREATE TABLE failure_decision (
    attempt_id      TEXT PRIMARY KEY,
    -- RETRY, LOOP, or the cause of the pause (ATTEMPTS_EXHAUSTED, BUDGET_USED_UP, ...)
    decision        TEXT NOT NULL,
    delay_ms        BIGINT,
    retry_after_ms  BIGINT,
    declared_policy JSONB
);
