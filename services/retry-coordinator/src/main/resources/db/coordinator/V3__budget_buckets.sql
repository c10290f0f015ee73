-- The retry budget's counts, kept per time bucket instead of counted from the attempt and
-- retry_context tables on every failure (that count grew with the load: 69% of the coordinator's
-- time in the benchmark). A window is the sum of its buckets.
CREATE TABLE budget_bucket (
    scope        TEXT        NOT NULL CHECK (scope IN ('pipeline', 'source')),
    name         TEXT        NOT NULL,
    bucket_start TIMESTAMPTZ NOT NULL,
    attempts     BIGINT      NOT NULL DEFAULT 0,
    retries      BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, name, bucket_start)
);
DROP INDEX attempt_budget_pipeline;
DROP INDEX attempt_budget_source;
DROP INDEX retry_context_budget_pipeline;
DROP INDEX retry_context_budget_source;
