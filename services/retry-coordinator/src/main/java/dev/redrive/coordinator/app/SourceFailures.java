package dev.redrive.coordinator.app;

import java.util.List;

/**
 * Another system's failures, told again in Redrive's own words: each failure the coordinator took
 * from a configured source topic is published as an {@code AttemptFailed} on redrive.attempts, in
 * the transaction that records it. So the audit trail of such an execution shows its failures (the
 * audit does not read the sources' topics), and every reader of redrive.attempts sees every failure
 * in one vocabulary. The coordinator reads them back and skips them: their event ids are the ones
 * it already processed.
 */
public interface SourceFailures {

  /** Publishes the failures as AttemptFailed events, with their event ids, in the transaction. */
  void republish(List<AttemptReport.Failed> failures);

  /**
   * Whether {@code source} names a configured source topic, whose failures this coordinator
   * republishes: read back from redrive.attempts, such a failure is skipped by its event id.
   */
  boolean republishes(String source);
}
