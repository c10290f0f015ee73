-- Parked outbox rows keep their payloads as the outbox wrote them: packed (redrive-support V0_8,
-- dev.redrive.support.outbox.OutboxPayloads) or, for rows written before it, one per element.
ALTER TABLE outbox_parked ADD COLUMN packed_payloads BYTEA;
ALTER TABLE outbox_parked ALTER COLUMN packed_payloads SET STORAGE EXTERNAL;
ALTER TABLE outbox_parked ALTER COLUMN payloads DROP NOT NULL;
