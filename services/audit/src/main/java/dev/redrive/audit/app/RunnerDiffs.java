package dev.redrive.audit.app;

import tools.jackson.databind.JsonNode;

/**
 * The phase-runner's comparison of two failed attempts ({@code GET
 * /api/v1/executions/{id}/phases/{phase}/diff}), for the execution page (port). The audit keeps
 * only events; the files are the runner's.
 */
public interface RunnerDiffs {

  /** What the runner answered, or why it could not be asked. */
  sealed interface Answer {}

  /** The runner's diff, as JSON. */
  record Compared(JsonNode diff) implements Answer {}

  /** The runner refused (a 4xx): its status and its words. */
  record Refused(int status, String detail) implements Answer {}

  /**
   * The runner was not asked or did not answer usefully: not configured, unreachable, too slow, an
   * answer too large or not JSON.
   */
  record Unavailable(String why) implements Answer {}

  /**
   * Asks for the diff of attempts {@code a} and {@code b} (null for the runner's defaults: the last
   * two failed attempts).
   */
  Answer diff(String executionId, String phase, Integer a, Integer b);
}
