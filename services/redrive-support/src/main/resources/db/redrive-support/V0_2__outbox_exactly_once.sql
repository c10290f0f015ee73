-- Exactly-once publication of the outbox (see dev.redrive.support.outbox.OutboxRelay).

-- The batch a row was claimed into; NULL while it waits. A claimed row is deleted once its batch's
-- Kafka transaction has committed.
ALTER TABLE outbox ADD COLUMN batch_id BIGINT;
CREATE INDEX outbox_batch ON outbox (batch_id) WHERE batch_id IS NOT NULL;
CREATE SEQUENCE outbox_batch_seq;

-- Identity of this outbox table on the Kafka cluster: it names the relay's transactional.id and
-- its key on the progress topic, so relays of other databases never fence or confuse it.
CREATE TABLE outbox_relay (
    relay_id TEXT PRIMARY KEY
);
INSERT INTO outbox_relay (relay_id) VALUES (gen_random_uuid()::text);
