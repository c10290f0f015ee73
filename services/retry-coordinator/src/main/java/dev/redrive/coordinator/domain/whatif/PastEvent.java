package dev.redrive.coordinator.domain.whatif;

import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.PolicyOverride;
import java.time.Instant;
import java.util.Objects;

/**
 * One recorded fact of a phase's history that a what-if replays, in time order. {@code inWindow} is
 * false for facts before the window that the replay needs for its state (a phase's earlier failures
 * count against its policy) but does not report.
 */
public sealed interface PastEvent {

  String executionId();

  String phase();

  Instant at();

  boolean inWindow();

  /**
   * A failure, with what really followed.
   *
   * @param declared the phase's own policy the failure carried ({@link PolicyOverride#NONE} when
   *     none)
   */
  record Failed(
      String executionId,
      String pipeline,
      String source,
      Failure failure,
      PolicyOverride declared,
      RecordedDecision actual,
      boolean inWindow)
      implements PastEvent {

    public Failed {
      Objects.requireNonNull(failure, "failure");
      declared = declared == null ? PolicyOverride.NONE : declared;
      actual = actual == null ? RecordedDecision.UNRECORDED : actual;
    }

    @Override
    public String phase() {
      return failure.phase();
    }

    @Override
    public Instant at() {
      return failure.occurredAt();
    }
  }

  /** An attempt that succeeded (the retry budget counts it). */
  record Succeeded(
      String executionId,
      String pipeline,
      String source,
      String phase,
      Instant at,
      boolean inWindow)
      implements PastEvent {}

  /**
   * A person's retry of the phase (in place or resumed from it), which ends a pause; with {@code
   * reset} it also zeroed the phase's failure count.
   */
  record PersonRetry(String executionId, String phase, Instant at, boolean reset, boolean inWindow)
      implements PastEvent {}
}
