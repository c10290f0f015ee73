-- Checkpoints, loop counters, rollbacks and the history an attempt needs for the state view.

ALTER TABLE execution
    ADD COLUMN resubmit_of  TEXT,
    ADD COLUMN requested_by TEXT;

-- origin: CHAIN (first phase or the next one after a success), RETRY (a RetryCommand), LOOP (a
-- failed check sent the work back), ROLLBACK (a Rollback command or a resume).
-- superseded: a rollback cleared this attempt's phase; the row stays as history.
ALTER TABLE phase_attempt
    ADD COLUMN origin        TEXT    NOT NULL DEFAULT 'CHAIN',
    ADD COLUMN note          TEXT,
    ADD COLUMN superseded    BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN failure_type  TEXT,
    ADD COLUMN error_message TEXT;

-- What a successful phase produced. At most one active checkpoint per phase; a rollback
-- deactivates the checkpoints of the phases it clears. Phase "_input" is the input/ folder as the
-- execution started with it.
CREATE TABLE checkpoint (
    checkpoint_id TEXT PRIMARY KEY,
    execution_id  TEXT        NOT NULL REFERENCES execution (execution_id),
    phase         TEXT        NOT NULL,
    attempt_id    TEXT,
    active        BOOLEAN     NOT NULL DEFAULT true,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX checkpoint_active_per_phase ON checkpoint (execution_id, phase) WHERE active;

CREATE TABLE checkpoint_file (
    checkpoint_id TEXT   NOT NULL REFERENCES checkpoint (checkpoint_id),
    path          TEXT   NOT NULL,
    sha256        TEXT   NOT NULL,
    size_bytes    BIGINT NOT NULL,
    PRIMARY KEY (checkpoint_id, path)
);

-- Iterations used by the loop of a phase (the phase whose check sends work back).
CREATE TABLE loop_counter (
    execution_id TEXT        NOT NULL REFERENCES execution (execution_id),
    phase        TEXT        NOT NULL,
    target       TEXT        NOT NULL,
    iterations   INT         NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (execution_id, phase)
);

-- Every rollback (Rollback command or resume), with what it cleared and where it archived it.
CREATE TABLE rollback (
    rollback_id    TEXT PRIMARY KEY,
    execution_id   TEXT        NOT NULL REFERENCES execution (execution_id),
    command_id     TEXT        NOT NULL UNIQUE,
    to_phase       TEXT        NOT NULL,
    cleared_phases TEXT        NOT NULL,
    archive        TEXT,
    attempt_id     TEXT        NOT NULL,
    note           TEXT,
    requested_by   TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX rollback_by_execution ON rollback (execution_id);
