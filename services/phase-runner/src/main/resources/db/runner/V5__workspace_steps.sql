-- File changes that a committed transaction decided and the workspace has not had yet: a use case
-- records them in its transaction and carries them out right after the commit (never inside it);
-- when the runner died in between, or the change failed, the execution's next attempt and the next
-- start carry them out, in order (dev.redrive.runner.app.PendingWorkspaceChanges).
CREATE TABLE workspace_step (
    step_id      BIGSERIAL PRIMARY KEY,
    execution_id TEXT        NOT NULL REFERENCES execution (execution_id),
    kind         TEXT        NOT NULL,
    payload      TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX workspace_step_by_execution ON workspace_step (execution_id, step_id);
