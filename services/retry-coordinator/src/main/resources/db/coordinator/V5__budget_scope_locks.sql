-- One row per retry budget scope (a pipeline or a source): the lock of that budget, and the
-- version of its counts. A batch that allowed itself retries locks the row at its end and bumps
-- the version. Without it, consumers deciding different partitions at once each read the window's
-- counts before the others had written theirs, and all of them let retries through: five failures
-- of a fresh pipeline, five consumers, five retries, where the budget allows two. The version says
-- whether another batch committed retries between a batch's read and its lock; only then does it
-- weigh its retries again. The bucket rows cannot serve: a scope seen for the first time has none,
-- and a new time bucket is a new row.
CREATE TABLE budget_scope (
    scope   TEXT   NOT NULL CHECK (scope IN ('pipeline', 'source')),
    name    TEXT   NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, name)
);
INSERT INTO budget_scope (scope, name) SELECT DISTINCT scope, name FROM budget_bucket;
