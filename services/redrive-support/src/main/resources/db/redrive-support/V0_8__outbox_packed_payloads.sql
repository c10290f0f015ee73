-- A row's payloads are written as one LZ4-compressed value (dev.redrive.support.outbox.OutboxPayloads):
-- about a quarter of their bytes, and PostgreSQL's cost of an outbox row follows its bytes. The
-- value is compressed already, so PostgreSQL keeps it as it is (EXTERNAL: never compressed again).
-- Rows waiting at the upgrade keep their payloads array and are sent from it.
ALTER TABLE outbox ADD COLUMN packed_payloads BYTEA;
ALTER TABLE outbox ALTER COLUMN packed_payloads SET STORAGE EXTERNAL;
ALTER TABLE outbox ALTER COLUMN payloads DROP NOT NULL;
ALTER TABLE outbox ADD CONSTRAINT outbox_payloads_in_one_form
    CHECK ((payloads IS NULL) <> (packed_payloads IS NULL));
