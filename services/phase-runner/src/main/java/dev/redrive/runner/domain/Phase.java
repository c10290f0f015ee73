package dev.redrive.runner.domain;

import java.util.List;

/**
 * One phase of a pipeline.
 *
 * @param command what runs (only the definition decides this: event payloads never become code)
 * @param expectedOutputs workspace-relative paths the phase must produce
 * @param exitCriteria checks that must pass after the command succeeded
 */
public record Phase(
    String name, CommandSpec command, List<String> expectedOutputs, List<CheckSpec> exitCriteria) {

  public Phase {
    expectedOutputs = List.copyOf(expectedOutputs);
    exitCriteria = List.copyOf(exitCriteria);
  }

  /** Where the phase keeps its artifacts, relative to the workspace. */
  public String artifactsDir() {
    return "artifacts/" + name;
  }
}
