package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.LoopState;
import dev.redrive.coordinator.domain.PolicyOverride;
import java.util.Map;

/**
 * What a runner (or another system) reports about one attempt: the input of {@link RecordAttempt}.
 */
public sealed interface AttemptReport {

  EventMeta meta();

  /** The attempt this report is about. */
  String attemptId();

  /** An attempt began. */
  record Started(
      EventMeta meta, String attemptId, String phase, int attemptNumber, String commandId)
      implements AttemptReport {}

  /** An attempt succeeded. */
  record Succeeded(
      EventMeta meta, String attemptId, String phase, int attemptNumber, long durationMs)
      implements AttemptReport {}

  /**
   * An attempt failed.
   *
   * @param declaredPolicy the policy the failure itself carries (a phase's own, from its pipeline
   *     file), applied over the configured ones
   * @param loop where the phase's own loop stood when its check failed; null for any other failure
   * @param attributes extra facts the reporter sent, kept with the attempt
   */
  record Failed(
      EventMeta meta,
      Failure failure,
      PolicyOverride declaredPolicy,
      LoopState loop,
      Map<String, String> attributes)
      implements AttemptReport {

    @Override
    public String attemptId() {
      return failure.attemptId();
    }
  }
}
