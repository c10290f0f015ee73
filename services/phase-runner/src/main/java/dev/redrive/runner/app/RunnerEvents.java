package dev.redrive.runner.app;

import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.persistence.RunnerStore.AttemptRow;
import java.util.Map;

/** What the runner reports, written to the outbox in the caller's transaction. */
public interface RunnerEvents {

  void executionStarted(String executionId, Pipeline pipeline, Map<String, String> parameters);

  void attemptStarted(String pipeline, AttemptRow attempt);

  void attemptSucceeded(
      String pipeline, AttemptRow attempt, AttemptOutcome outcome, Map<String, String> checkpoint);

  void attemptFailed(
      String pipeline,
      AttemptRow attempt,
      AttemptOutcome outcome,
      String archive,
      String errorReport);

  void executionSucceeded(String executionId, String pipeline, long durationMs);
}
