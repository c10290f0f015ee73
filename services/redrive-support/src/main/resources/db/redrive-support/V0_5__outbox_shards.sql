-- The outbox is published in shards (dev.redrive.support.outbox.OutboxShards): every message of an
-- execution (message key) falls into one shard, a row holds the messages of one shard only, and
-- each shard has its own relay session (advisory lock, transactional.id, progress key), so several
-- instances publish one table side by side and each execution's events keep their order.

-- How many shards this table is published in: the relays' redrive.outbox.shards must match it.
ALTER TABLE outbox_relay ADD COLUMN shards INT NOT NULL DEFAULT 1
    CHECK (shards BETWEEN 1 AND 64);

-- The shard of a message key: the same function as OutboxShards.of in Java (the writer packs rows
-- by it; a re-queue of a parked row and a change of the shard count compute it here).
CREATE FUNCTION outbox_shard(message_key TEXT, shards INT) RETURNS INT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT (('x' || substr(md5(message_key), 1, 8))::bit(32)::int & 2147483647) % shards $$;

-- Rows waiting at the upgrade were written for one shard.
ALTER TABLE outbox ADD COLUMN shard INT NOT NULL DEFAULT 0;
