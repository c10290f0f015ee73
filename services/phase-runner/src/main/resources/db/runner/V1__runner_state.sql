-- The phase-runner's state (schema "runner"). Outbox and processed_event come from
-- redrive-support's migration V0_1.

CREATE TABLE execution (
    execution_id  TEXT PRIMARY KEY,
    pipeline      TEXT        NOT NULL,
    status        TEXT        NOT NULL,
    current_phase TEXT,
    workspace     TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per attempt of a phase. QUEUED -> RUNNING -> SUCCEEDED | FAILED. A row left RUNNING
-- by a crash is reported as INTERRUPTED when the same runner instance (runner_instance) starts again.
CREATE TABLE phase_attempt (
    attempt_id     TEXT PRIMARY KEY,
    execution_id   TEXT        NOT NULL REFERENCES execution (execution_id),
    phase          TEXT        NOT NULL,
    attempt_number INT         NOT NULL,
    max_attempts   INT         NOT NULL,
    command_id     TEXT,
    context_file   TEXT,
    previous_error TEXT,
    status         TEXT        NOT NULL,
    runner_instance TEXT,
    queued_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at     TIMESTAMPTZ,
    finished_at    TIMESTAMPTZ
);
CREATE INDEX phase_attempt_by_status ON phase_attempt (status);
CREATE INDEX phase_attempt_by_execution ON phase_attempt (execution_id, phase);
