package dev.redrive.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs {@code redrive} in-process against given servers and captures what it printed. */
final class Cli {

  /** What one run printed, and its exit code. */
  record Result(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private final Map<String, String> environment = new HashMap<>();
  private final Path home;

  Cli(Path home) {
    this.home = home;
  }

  /** Points the CLI at these services through the environment, as a user would. */
  Cli services(FakeService runner, FakeService coordinator, FakeService audit) {
    environment.put("REDRIVE_RUNNER_URL", runner.url());
    environment.put("REDRIVE_COORDINATOR_URL", coordinator.url());
    environment.put("REDRIVE_AUDIT_URL", audit.url());
    return this;
  }

  Cli env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        RedriveCli.execute(
            new Console(new PrintWriter(out, true), new PrintWriter(err, true), environment, home),
            args);
    return new Result(exitCode, out.toString(), err.toString());
  }
}
