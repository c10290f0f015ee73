-- One execution-status vocabulary for every service (dev.redrive.contract.ExecutionStatus): the
-- runner's FAILED ("a phase failed, the coordinator decides what follows") is called HALTED.
UPDATE execution SET status = 'HALTED' WHERE status = 'FAILED';

-- An attempt the runner queues itself has a bound only when its phase declares
-- retry-policy.max-attempts (the coordinator's policy decides otherwise): NULL = unknown.
ALTER TABLE phase_attempt ALTER COLUMN max_attempts DROP NOT NULL;
