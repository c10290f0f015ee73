-- The append-only history of every Redrive event (schema "audit"), each stored once.
CREATE TABLE audit_event (
    id           BIGSERIAL PRIMARY KEY,
    event_id     TEXT        NOT NULL UNIQUE,
    execution_id TEXT        NOT NULL,
    event_type   TEXT        NOT NULL,
    topic        TEXT        NOT NULL,
    kafka_partition INT      NOT NULL,
    kafka_offset BIGINT      NOT NULL,
    source       TEXT,
    occurred_at  TIMESTAMPTZ NOT NULL,
    recorded_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    payload      JSONB       NOT NULL
);
CREATE INDEX audit_event_timeline ON audit_event (execution_id, occurred_at, id);
CREATE INDEX audit_event_by_type ON audit_event (event_type, occurred_at);
