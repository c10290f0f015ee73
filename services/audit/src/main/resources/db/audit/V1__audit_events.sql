-- The append-only history of every Redrive event (schema "audit"), each stored once.
CREATE TABLE audit_event (
    id              BIGSERIAL   PRIMARY KEY,           -- arrival order
    event_id        TEXT        NOT NULL UNIQUE,       -- the idempotency key
    execution_id    TEXT        NOT NULL,
    event_type      TEXT        NOT NULL,              -- the payload's record name, e.g. AttemptFailed
    topic           TEXT        NOT NULL,
    kafka_partition INT         NOT NULL,
    kafka_offset    BIGINT      NOT NULL,
    source          TEXT,
    pipeline        TEXT,                              -- when the event names it
    failure_type    TEXT,                              -- AttemptFailed, InterventionRequired, retries
    occurred_at     TIMESTAMPTZ NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    payload         JSONB       NOT NULL               -- the whole decoded event
);
-- the timeline of an execution, oldest first
CREATE INDEX audit_event_timeline ON audit_event (execution_id, occurred_at, id);
-- search by type, failure type and time; retention deletes by time
CREATE INDEX audit_event_by_type ON audit_event (event_type, occurred_at);
CREATE INDEX audit_event_by_failure_type ON audit_event (failure_type, occurred_at)
    WHERE failure_type IS NOT NULL;
CREATE INDEX audit_event_by_time ON audit_event (occurred_at);
-- the executions of a pipeline
CREATE INDEX audit_event_by_pipeline ON audit_event (pipeline, execution_id)
    WHERE pipeline IS NOT NULL;
