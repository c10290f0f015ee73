-- One row per retry budget scope (a pipeline or a source), locked by a batch from the moment it
-- weighs a retry against that budget until it commits. Without it, consumers deciding different
-- partitions at once each read the window's counts before the others had written theirs, and all
-- of them let retries through: five failures of a fresh pipeline, five consumers, five retries,
-- where the budget allows two. The bucket rows cannot serve as the lock: a scope seen for the
-- first time has none, and a new time bucket is a new row.
CREATE TABLE budget_scope (
    scope TEXT NOT NULL CHECK (scope IN ('pipeline', 'source')),
    name  TEXT NOT NULL,
    PRIMARY KEY (scope, name)
);
INSERT INTO budget_scope (scope, name) SELECT DISTINCT scope, name FROM budget_bucket;
