-- Exactly-once publication of the outbox (see dev.redrive.support.outbox.RelaySession).

-- Identity of this outbox table on the Kafka cluster: it names the relay's transactional.id and
-- its key on the progress topic, so relays of other databases never fence or confuse it.
CREATE TABLE outbox_relay (
    relay_id TEXT PRIMARY KEY
);
INSERT INTO outbox_relay (relay_id) VALUES (gen_random_uuid()::text);
