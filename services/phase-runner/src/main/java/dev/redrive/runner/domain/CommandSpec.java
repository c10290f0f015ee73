package dev.redrive.runner.domain;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command to run: argv (no shell unless the definition names one), extra environment, working
 * directory relative to the workspace, and a timeout after which the process tree is killed.
 */
public record CommandSpec(
    List<String> argv, Map<String, String> env, String workingDir, Duration timeout)
    implements Handler {

  public CommandSpec {
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
  }
}
