-- Holds keep outbox rows from being sent while a person has paused them (the retry-coordinator's
-- "pause retries"). A row names the scopes that can hold it; it waits, keeping its place (id) and
-- due time, while any of them is held, and so does every later row of the same message key.
ALTER TABLE outbox ADD COLUMN hold_scopes TEXT[];

CREATE TABLE outbox_hold (
    scope        TEXT        PRIMARY KEY,
    reason       TEXT        NOT NULL,
    requested_by TEXT,
    held_since   TIMESTAMPTZ NOT NULL DEFAULT now()
);
