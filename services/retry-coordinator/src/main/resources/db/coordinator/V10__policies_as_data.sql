-- Retry policies as data (README "Policies as data"). Every version of the policy set, as the
-- policy document (PolicyDocument: defaults, budget, sources, pipelines and their phases), with who
-- changed it, why, and whether a person did (api) or the YAML configuration seeded it at start
-- (configuration). The highest version is in force.
CREATE TABLE policy_version (
    version     bigint      PRIMARY KEY,
    document    jsonb       NOT NULL,
    origin      text        NOT NULL CHECK (origin IN ('configuration', 'api')),
    changed_by  text,
    reason      text        NOT NULL,
    summary     text        NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now()
);

-- A person's override of the policy for one execution (the fields of one policy object), applied
-- over everything else. version counts the changes of this execution's override (its history is in
-- execution_policy_change); a cleared override has no row here.
CREATE TABLE execution_policy (
    execution_id text        PRIMARY KEY,
    override     jsonb       NOT NULL,
    version      bigint      NOT NULL,
    changed_by   text,
    reason       text        NOT NULL,
    changed_at   timestamptz NOT NULL DEFAULT now()
);

-- Every change of an execution's override: set (override not null) or cleared (null).
CREATE TABLE execution_policy_change (
    execution_id text        NOT NULL,
    version      bigint      NOT NULL,
    override     jsonb,
    changed_by   text,
    reason       text        NOT NULL,
    summary      text        NOT NULL,
    changed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (execution_id, version)
);

-- One row whose generation moves with every change of either table, in the change's transaction:
-- each coordinator instance polls it (one primary-key read) and reloads when it moved. Updating it
-- first also makes concurrent changes wait for each other, so a version number or an expected
-- version is never decided on a stale read.
CREATE TABLE policy_generation (
    id         integer PRIMARY KEY CHECK (id = 1),
    generation bigint  NOT NULL
);
INSERT INTO policy_generation (id, generation) VALUES (1, 0);
