package dev.redrive.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code redrive policy override}: a person's policy for one execution. */
@Command(
    name = "override",
    mixinStandardHelpOptions = true,
    header = "Override the retry policy of one execution (as Temporal's 'update options').",
    description = {
      "The fields given apply over every other layer (defaults, source, pipeline, phase, the"
          + " phase's declared policy) to the execution's next decisions and to the retries"
          + " people ask for, until 'redrive policy clear'. Setting it again replaces the whole"
          + " override. The coordinator keeps at most"
          + " redrive.coordinator.policies.max-execution-overrides (10000) at once; overrides are"
          + " not dropped when their execution ends.",
      "",
      "Examples:",
      "  redrive policy override exec-42 --max-attempts 5 --reason 'vendor outage'",
      "  redrive policy override exec-42 --initial-interval 30s --max-interval 10m"
          + " --jitter NONE --reason 'slow down'"
    })
final class PolicyOverrideCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "<execution>", description = "the execution id")
  String executionId;

  @Option(names = "--max-attempts", paramLabel = "N", description = "attempts in all, 1-10000")
  Integer maxAttempts;

  @Option(
      names = "--initial-interval",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "back-off before the first retry (500ms, 30s, 5m, PT1M)")
  Duration initialInterval;

  @Option(names = "--multiplier", paramLabel = "X", description = "back-off growth, 1-1000")
  Double multiplier;

  @Option(
      names = "--max-interval",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "cap on any back-off")
  Duration maxInterval;

  @Option(names = "--jitter", paramLabel = "FULL|NONE", description = "FULL or NONE")
  String jitter;

  @Option(
      names = "--non-retryable",
      paramLabel = "TYPE",
      split = ",",
      description = "failure types that go to a person at once (comma-separated)")
  List<String> nonRetryable;

  @Option(
      names = "--deadline",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "no retry starts later than this after the phase's first failure")
  Duration deadline;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why (required)")
  String reason;

  @Mixin RequesterOption requester;

  PolicyOverrideCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    Map<String, Object> override = new LinkedHashMap<>();
    if (maxAttempts != null) {
      override.put("maxAttempts", maxAttempts);
    }
    putDuration(override, "initialInterval", initialInterval);
    if (multiplier != null) {
      override.put("multiplier", multiplier);
    }
    putDuration(override, "maxInterval", maxInterval);
    if (jitter != null) {
      override.put("jitter", jitter);
    }
    if (nonRetryable != null) {
      override.put("nonRetryable", nonRetryable);
    }
    putDuration(override, "deadline", deadline);
    if (override.isEmpty()) {
      throw new UsageException(
          "give at least one of --max-attempts, --initial-interval, --multiplier, --max-interval,"
              + " --jitter, --non-retryable, --deadline");
    }
    if (reason == null || reason.isBlank()) {
      throw new UsageException("say why with --reason; the audit trail keeps it");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("override", override);
    body.put("reason", reason);
    body.put("requestedBy", requester.name(console));
    RedriveClient.Response response =
        client.sendJson(
            Service.COORDINATOR, "PUT", PolicyCommand.executionPath(executionId), Json.write(body));
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    PolicyCommand.printChanged(
        console, "Override of " + executionId + ",", Json.parse(response.body()));
    return ExitCodes.OK;
  }

  private static void putDuration(Map<String, Object> override, String name, Duration value) {
    if (value != null) {
      override.put(name, value.toString());
    }
  }
}
