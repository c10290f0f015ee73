package dev.redrive.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Which retries {@code pause} and {@code unpause} cover: all, a pipeline, a phase, an execution.
 */
final class PauseScopeOptions {

  @Option(names = "--all", description = "every retry")
  boolean all;

  @Option(names = "--pipeline", paramLabel = "NAME", description = "the retries of this pipeline")
  String pipeline;

  @Option(
      names = "--phase",
      paramLabel = "PHASE",
      description = "with --pipeline: only the retries of this phase")
  String phase;

  @Option(names = "--execution", paramLabel = "ID", description = "the retries of this execution")
  String executionId;

  /** Whether any scope was named. */
  boolean named() {
    return all || pipeline != null || executionId != null || phase != null;
  }

  /** The scope as the request body names it; the server says when it is not exactly one. */
  void into(Map<String, Object> body) {
    body.put("all", all ? Boolean.TRUE : null);
    body.put("pipeline", pipeline);
    body.put("phase", phase);
    body.put("executionId", executionId);
  }
}
