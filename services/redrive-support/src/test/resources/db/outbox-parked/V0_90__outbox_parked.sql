-- The same table as each service's migration (phase-runner V3, retry-coordinator V6).
-- Outbox rows the relay could not send, and the later rows of the same executions held behind them
-- (dev.redrive.support.outbox.RelaySession). A row keeps its outbox id, and gets it back when it is
-- re-queued (dev.redrive.support.outbox.ParkedRows), so it is sent in its place.
CREATE TABLE outbox_parked (
    id           BIGINT PRIMARY KEY,
    topics       TEXT[]      NOT NULL,
    message_keys TEXT[]      NOT NULL,
    event_ids    TEXT[]      NOT NULL,
    event_types  TEXT[]      NOT NULL,
    payloads     BYTEA[]     NOT NULL,
    due_at       TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    parked_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- how often the relay tried to send it (0 for a row held behind another)
    attempts     INT         NOT NULL,
    -- the send error, escaped, or which parked row it waits behind
    cause        TEXT        NOT NULL,
    held_behind  BIGINT
);
-- the relay asks whether a due row shares an execution (message key) with a parked row
CREATE INDEX outbox_parked_keys ON outbox_parked USING gin (message_keys);
