-- processed_event keeps ids only as long as redrive.processed-events.retention: the purge finds the
-- old ones by processed_at. Ids arrive in time order, so a BRIN index (a few pages for millions of
-- rows) serves it at almost no cost to the inserts, which a b-tree on processed_at would double.
CREATE INDEX processed_event_processed_at ON processed_event USING brin (processed_at);
