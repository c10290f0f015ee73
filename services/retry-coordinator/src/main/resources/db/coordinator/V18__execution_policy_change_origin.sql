-- Who made each change of an execution's override, as policy_version keeps it for the policy set:
-- a person through the API (api), or the coordinator itself (coordinator: it drops the override of
-- an execution that ended). Until now a drop by the coordinator was kept with changed_by null, which
-- is also what a person's change without a name writes; the PolicyChanged event said who.
ALTER TABLE execution_policy_change ADD COLUMN origin TEXT NOT NULL DEFAULT 'api'
    CHECK (origin IN ('api', 'coordinator'));
-- the drops made before this version: the coordinator's reason names how the execution ended
UPDATE execution_policy_change SET origin = 'coordinator'
WHERE override IS NULL AND changed_by IS NULL
  AND reason LIKE 'the execution %; nothing is left to decide';
ALTER TABLE execution_policy_change ALTER COLUMN origin DROP DEFAULT;
