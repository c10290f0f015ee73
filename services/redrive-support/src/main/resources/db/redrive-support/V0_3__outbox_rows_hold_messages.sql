-- An outbox row holds the messages that one transaction wrote with the same due time, in order, up
-- to about 7 kB (dev.redrive.support.outbox.OutboxRows). A decision writes three events, and
-- PostgreSQL spends about as much to insert, read and delete a row whether it holds one of them or
-- several. Rows waiting at the upgrade become rows of one message each.
ALTER TABLE outbox ALTER COLUMN topic TYPE TEXT[] USING ARRAY[topic];
ALTER TABLE outbox ALTER COLUMN message_key TYPE TEXT[] USING ARRAY[message_key];
ALTER TABLE outbox ALTER COLUMN event_id TYPE TEXT[] USING ARRAY[event_id];
ALTER TABLE outbox ALTER COLUMN event_type TYPE TEXT[] USING ARRAY[event_type];
ALTER TABLE outbox ALTER COLUMN payload TYPE BYTEA[] USING ARRAY[payload];
ALTER TABLE outbox RENAME COLUMN topic TO topics;
ALTER TABLE outbox RENAME COLUMN message_key TO message_keys;
ALTER TABLE outbox RENAME COLUMN event_id TO event_ids;
ALTER TABLE outbox RENAME COLUMN event_type TO event_types;
ALTER TABLE outbox RENAME COLUMN payload TO payloads;
-- rows of up to 8 kB stay in their page, uncompressed (by default, rows over 2 kB are compressed
-- and moved aside)
ALTER TABLE outbox SET (toast_tuple_target = 8160);
