-- Performance step 2 (issue 16): the JSON documents that the coordinator writes with every failure
-- and reads back only whole (a retry's context, a failure's checks, the policy a phase declared)
-- are stored as the text it wrote, not as JSONB. Nothing queries inside them, and PostgreSQL
-- parsing each into JSONB on insert cost about 10 us per retry context of 0.6 kB (`INSERT ...
-- SELECT` of 60,000 contexts: 1,056 ms as JSONB, 486 ms as text), for the same size on disk.
-- An attempt's attributes stay JSONB: they are kept for people to query (attributes ->> 'customer').
-- The rewrite locks each table for as long as it copies it: on a large history, upgrade to this
-- version while the coordinator is stopped.
ALTER TABLE retry_context ALTER COLUMN context TYPE TEXT USING context::text;
ALTER TABLE attempt ALTER COLUMN checks DROP DEFAULT;
ALTER TABLE attempt ALTER COLUMN checks TYPE TEXT USING checks::text;
ALTER TABLE attempt ALTER COLUMN checks SET DEFAULT '[]';
ALTER TABLE failure_decision ALTER COLUMN declared_policy TYPE TEXT USING declared_policy::text;
