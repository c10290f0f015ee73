package dev.redrive.runner.domain;

/**
 * What queued an attempt: CHAIN (the first phase, or the next one after a success), RETRY (a
 * RetryCommand), LOOP (a later phase's check sent the work back) or ROLLBACK (a Rollback command or
 * a resume). Stored and reported (attribute {@code redrive.attempt.origin}) by these names.
 */
public enum AttemptOrigin {
  CHAIN,
  RETRY,
  LOOP,
  ROLLBACK
}
