-- The relay reads the due rows of its shard in id order (DueRows: WHERE due_at <= now() AND
-- shard = ? ORDER BY id LIMIT n). With only the primary key and outbox_due_at, a planner whose
-- statistics predate the shard column (or a busy table's last ANALYZE) expected few rows of the
-- shard and chose to scan the whole outbox and sort it: the benchmark's relay read took 52 ms a
-- batch instead of 13. This index gives the shard's rows in id order whatever the estimate.
CREATE INDEX outbox_shard_id ON outbox (shard, id);
