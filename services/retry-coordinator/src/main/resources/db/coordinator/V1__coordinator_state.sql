-- The retry-coordinator's state (schema "coordinator"). Outbox and processed_event come from
-- redrive-support's migration V0_1.

-- What the coordinator knows of each execution, ours or another system's.
CREATE TABLE execution (
    execution_id  TEXT PRIMARY KEY,
    pipeline      TEXT,
    source        TEXT        NOT NULL,
    status        TEXT        NOT NULL,
    current_phase TEXT,
    last_error    TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every attempt reported; a failure is counted only when its row turns FAILED.
CREATE TABLE attempt (
    attempt_id         TEXT PRIMARY KEY,
    execution_id       TEXT        NOT NULL,
    phase              TEXT        NOT NULL,
    attempt_number     INT         NOT NULL,
    outcome            TEXT        NOT NULL CHECK (outcome IN ('STARTED', 'SUCCEEDED', 'FAILED')),
    command_id         TEXT,
    failure_type       TEXT,
    hard               BOOLEAN,
    error_type         TEXT,
    error_message      TEXT,
    exit_code          INT,
    duration_ms        BIGINT,
    artifacts_location TEXT,
    occurred_at        TIMESTAMPTZ NOT NULL,
    recorded_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX attempt_by_execution ON attempt (execution_id, phase, attempt_number);

-- Exit criteria of failed attempts.
CREATE TABLE attempt_check (
    attempt_id     TEXT    NOT NULL REFERENCES attempt (attempt_id),
    position       INT     NOT NULL,
    name           TEXT    NOT NULL,
    passed         BOOLEAN NOT NULL,
    output_excerpt TEXT,
    PRIMARY KEY (attempt_id, position)
);

-- Failures counted against the retry policy, per phase; a reset request zeroes it.
CREATE TABLE phase_counter (
    execution_id    TEXT NOT NULL,
    phase           TEXT NOT NULL,
    failed_attempts INT  NOT NULL,
    PRIMARY KEY (execution_id, phase)
);

-- The context each retry command carried, as sent (JSON of the domain RetryContext).
CREATE TABLE retry_context (
    command_id     TEXT PRIMARY KEY,
    execution_id   TEXT        NOT NULL,
    phase          TEXT        NOT NULL,
    attempt_number INT         NOT NULL,
    context        JSONB       NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX retry_context_by_execution ON retry_context (execution_id, phase);
