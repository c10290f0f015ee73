package dev.redrive.runner.app;

import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import java.util.Map;

/**
 * Runs one attempt of a phase in its workspace (a process or a webhook) and classifies how it ended
 * (port). Runs outside any transaction; no database and no Kafka.
 */
public interface PhaseRunner {

  /**
   * Everything one attempt is given.
   *
   * @param workspace the execution's folder (absolute)
   * @param maxAttempts the number of the phase's last attempt, or null when unknown
   * @param retryEnvironment REDRIVE_CONTEXT_FILE, REDRIVE_PREVIOUS_ERROR, REDRIVE_NOTE when set
   * @param parameters the execution's parameters (a phase sees only the inputs it declares)
   * @param contextJson the context of this attempt as JSON (for an http body), or null
   * @param control lets another thread stop the attempt
   */
  record PhaseRun(
      String executionId,
      Pipeline pipeline,
      Phase phase,
      String workspace,
      int attempt,
      Integer maxAttempts,
      Map<String, String> retryEnvironment,
      Map<String, String> parameters,
      String contextJson,
      PhaseControl control) {}

  AttemptOutcome run(PhaseRun run);
}
