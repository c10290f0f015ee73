-- Performance step 2 (issue 16): the ids in the indexes that every failure writes are compared byte
-- by byte (COLLATE "C") instead of by the database's locale. Ids are identifiers, not words: no
-- reader sorts them for people, and a locale's comparison (strcoll) is what each step down those
-- indexes paid for: 7% of PostgreSQL's CPU samples per failure in the benchmark under C.UTF-8 (4%
-- with the ids in C), more under a locale such as en_US.UTF-8 (the official postgres image's). Rows keep their values; only
-- the order of ids that tie elsewhere changes (GET /api/v1/executions pages on updated_at, then
-- execution_id, and its cursor compares in the column's collation, so pages stay consistent).
--
-- PostgreSQL rebuilds the indexes on these columns (the tables are not rewritten), holding each
-- table's lock meanwhile: on a large attempt table, upgrade with the coordinators stopped.
ALTER TABLE attempt
    ALTER COLUMN attempt_id TYPE text COLLATE "C",
    ALTER COLUMN execution_id TYPE text COLLATE "C",
    ALTER COLUMN phase TYPE text COLLATE "C";
ALTER TABLE execution ALTER COLUMN execution_id TYPE text COLLATE "C";
ALTER TABLE phase_counter
    ALTER COLUMN execution_id TYPE text COLLATE "C",
    ALTER COLUMN phase TYPE text COLLATE "C";
ALTER TABLE failure_decision ALTER COLUMN attempt_id TYPE text COLLATE "C";
ALTER TABLE retry_context ALTER COLUMN command_id TYPE text COLLATE "C";
