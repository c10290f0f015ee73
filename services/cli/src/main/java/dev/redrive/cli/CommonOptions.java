package dev.redrive.cli;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes: where the services are, the token, and {@code --json}. */
final class CommonOptions {

  @Option(
      names = "--runner-url",
      paramLabel = "URL",
      description = "phase-runner address (default: localhost:8091)")
  String runnerUrl;

  @Option(
      names = "--coordinator-url",
      paramLabel = "URL",
      description = "retry-coordinator address (default: localhost:8092)")
  String coordinatorUrl;

  @Option(
      names = "--audit-url",
      paramLabel = "URL",
      description = "audit address (default: localhost:8093)")
  String auditUrl;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "API token, sent as a bearer token")
  String token;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "config file (default: ~/.config/redrive/config.properties)")
  Path config;

  @Option(names = "--json", description = "print the server's JSON (for scripts); same as -o json")
  boolean json;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description =
          "table (for people, the default), json (the server's JSON) or jsonl (one JSON object"
              + " per line, for listings)")
  Output output;

  /** How a command prints what it got. */
  enum Output {
    TABLE,
    JSON,
    JSONL
  }

  /** The format asked for: {@code --json} is {@code -o json}. */
  Output output() {
    if (output != null) {
      return output;
    }
    return json ? Output.JSON : Output.TABLE;
  }

  Settings settings(Console console) {
    Map<Service, String> urls = new EnumMap<>(Service.class);
    if (runnerUrl != null) {
      urls.put(Service.RUNNER, runnerUrl);
    }
    if (coordinatorUrl != null) {
      urls.put(Service.COORDINATOR, coordinatorUrl);
    }
    if (auditUrl != null) {
      urls.put(Service.AUDIT, auditUrl);
    }
    return Settings.resolve(urls, token, config, console.environment(), console.home());
  }
}
