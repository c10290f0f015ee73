-- Retry requests, notes, the retry budget's counts, and the chain state of an execution.

ALTER TABLE execution ADD COLUMN resubmitted_from TEXT;
ALTER TABLE execution ADD COLUMN last_failure_type TEXT;
CREATE INDEX execution_paused ON execution (status, pipeline, current_phase) WHERE status = 'PAUSED';

-- pipeline and source of each attempt and each retry, counted by the retry budget
ALTER TABLE attempt ADD COLUMN pipeline TEXT;
ALTER TABLE attempt ADD COLUMN source TEXT;
CREATE INDEX attempt_budget_pipeline ON attempt (pipeline, recorded_at);
CREATE INDEX attempt_budget_source ON attempt (source, recorded_at);
ALTER TABLE retry_context ADD COLUMN pipeline TEXT;
ALTER TABLE retry_context ADD COLUMN source TEXT;
ALTER TABLE retry_context ADD COLUMN automatic BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX retry_context_budget_pipeline ON retry_context (pipeline, created_at);
CREATE INDEX retry_context_budget_source ON retry_context (source, created_at);

-- the phases of an execution, in order (from ExecutionStarted, or as attempts name them)
CREATE TABLE execution_phase (
    execution_id TEXT NOT NULL,
    position     INT  NOT NULL,
    phase        TEXT NOT NULL,
    PRIMARY KEY (execution_id, phase)
);

-- what each completed phase produced (from CheckpointCreated): path -> SHA-256
CREATE TABLE phase_checkpoint (
    execution_id TEXT        NOT NULL,
    phase        TEXT        NOT NULL,
    outputs      JSONB       NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (execution_id, phase)
);

-- every retry request once, with the answer it got (a repeated request id gets the same answer)
CREATE TABLE retry_request (
    request_id   TEXT PRIMARY KEY,
    execution_id TEXT        NOT NULL,
    outcome      JSONB       NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- human feedback that goes into the next retry contexts of a phase
CREATE TABLE retry_note (
    id           BIGSERIAL PRIMARY KEY,
    execution_id TEXT        NOT NULL,
    phase        TEXT        NOT NULL,
    note         TEXT        NOT NULL,
    requested_by TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX retry_note_by_phase ON retry_note (execution_id, phase, id);
ALTER TABLE attempt ADD COLUMN attributes JSONB;
