-- Performance step 2 (issue 16): what the coordinator decided about a failure is written with the
-- failure's attempt row, which is now written after the decision, instead of as a row of its own in
-- failure_decision (V12): a row and an index entry less per failure, about 7% of PostgreSQL's time
-- per failure in the benchmark. Whether a report's attempt already ended is read first (the
-- attempt's primary key), and a batch in which another transaction recorded one of its failures
-- meanwhile is rolled back and decided again.
--
-- decision: RETRY, LOOP, or the cause of the pause (ATTEMPTS_EXHAUSTED, BUDGET_USED_UP, ...); null
-- on attempts that did not fail, and on failures recorded before this version, whose decisions
-- stay in failure_decision (the what-if replay reads both; instances of the version before keep
-- writing it during a rolling upgrade).
ALTER TABLE attempt
    ADD COLUMN decision          TEXT,
    ADD COLUMN decision_delay_ms BIGINT,
    ADD COLUMN retry_after_ms    BIGINT,
    ADD COLUMN declared_policy   TEXT;
