package dev.redrive.runner.domain;

import java.util.List;
import java.util.Locale;

/**
 * One phase of a pipeline.
 *
 * @param handler what runs (only the definition decides this: event payloads never become code)
 * @param outputs what the phase must produce (paths or globs, optional minimum size)
 * @param exitCriteria checks that must pass after the handler succeeded
 * @param allowedWritePaths where the phase may write besides its own {@code artifacts/<phase>/}
 * @param inputs execution parameters the phase may read: a command sees each as {@code
 *     REDRIVE_INPUT_<NAME>}, an http body template as {@code ${input.<name>}}
 * @param retryPolicy the phase's own retry policy, or null for the coordinator's defaults
 * @param loop a bounded loop back to an earlier phase, or null
 */
public record Phase(
    String name,
    Handler handler,
    List<OutputSpec> outputs,
    List<CheckSpec> exitCriteria,
    List<String> allowedWritePaths,
    List<String> inputs,
    PhaseRetryPolicy retryPolicy,
    LoopSpec loop) {

  public Phase {
    outputs = List.copyOf(outputs);
    exitCriteria = List.copyOf(exitCriteria);
    allowedWritePaths = List.copyOf(allowedWritePaths);
    inputs = List.copyOf(inputs);
  }

  /** A command phase with plain expected outputs and nothing else. */
  public Phase(
      String name,
      CommandSpec command,
      List<String> expectedOutputs,
      List<CheckSpec> exitCriteria) {
    this(
        name,
        command,
        expectedOutputs.stream().map(OutputSpec::of).toList(),
        exitCriteria,
        List.of(),
        List.of(),
        null,
        null);
  }

  /** Where the phase keeps its artifacts, relative to the workspace. */
  public String artifactsDir() {
    return "artifacts/" + name;
  }

  /** The paths (or globs) of the expected outputs. */
  public List<String> expectedOutputs() {
    return outputs.stream().map(OutputSpec::path).toList();
  }

  /** The command, or null when the phase calls a webhook. */
  public CommandSpec command() {
    return handler instanceof CommandSpec command ? command : null;
  }

  /** Where this phase may write. */
  public WritePaths writePaths() {
    return WritePaths.of(artifactsDir(), allowedWritePaths);
  }

  /** The environment variable through which a command reads an input. */
  public static String inputVariable(String input) {
    return "REDRIVE_INPUT_" + input.toUpperCase(Locale.ROOT);
  }
}
