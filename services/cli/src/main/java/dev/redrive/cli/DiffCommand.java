package dev.redrive.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code redrive diff <execution> <phase> [A B]}: two failed attempts of a phase compared. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    header = "Compare two failed attempts of a phase.",
    description = {
      "Compares two failed attempts of a phase, from the manifests and archives the phase-runner"
          + " keeps: what they read (declared parameters as hashes, input files), how they failed"
          + " (type, message, failed checks), which checks flipped, and their artifacts: files"
          + " added (+), removed (-) and changed (~), with a unified diff of a changed text file"
          + " up to 64 KiB (400 lines at most).",
      "Without A and B, the phase's last two failed attempts. Exit 4 when the execution, phase or"
          + " an attempt is not there; 1 with the runner's words when A or B is out of range or"
          + " both are the same."
    })
final class DiffCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "<execution>", description = "execution id (exec_...)")
  String executionId;

  @Parameters(index = "1", paramLabel = "<phase>", description = "phase name")
  String phase;

  @Parameters(
      index = "2",
      arity = "0..1",
      paramLabel = "A",
      description = "the earlier attempt's number (default: the last failed attempt but one)")
  Integer a;

  @Parameters(
      index = "3",
      arity = "0..1",
      paramLabel = "B",
      description = "the later attempt's number (default: the last failed attempt)")
  Integer b;

  DiffCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if ((a == null) != (b == null)) {
      throw new UsageException("give both attempt numbers A and B, or neither");
    }
    if (a != null && (a < 1 || b < 1 || a > 10_000 || b > 10_000)) {
      throw new UsageException("attempt numbers A and B are from 1 to 10000");
    }
    if (phase.isEmpty() || phase.length() > 256) {
      throw new UsageException("a phase name is 1 to 256 characters");
    }
    String path =
        "/api/v1/executions/%s/phases/%s/diff%s"
            .formatted(
                segment(executionId),
                java.net.URLEncoder.encode(phase, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20"),
                a == null ? "" : "?a=" + a + "&b=" + b);
    RedriveClient.Response response = client.get(Service.RUNNER, path);
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    print(out(), Json.parse(response.body()));
    return ExitCodes.OK;
  }

  /** The diff as people read it. */
  static void print(PrintWriter out, JsonNode diff) {
    out.println(
        "Execution %s, phase %s"
            .formatted(Json.text(diff, "executionId", "?"), Json.text(diff, "phase", "?")));
    for (String side : List.of("a", "b")) {
      JsonNode attempt = diff.path(side);
      out.println(
          "Attempt %s: %s%s"
              .formatted(
                  Json.text(attempt, "number", "?"),
                  Json.text(attempt, "failureType", "?"),
                  errorType(attempt)));
      out.println("  message: " + Text.oneLine(Json.text(attempt, "message", "-"), 200));
      List<String> failed = strings(attempt.path("failedChecks"));
      out.println("  failed checks: " + (failed.isEmpty() ? "none" : String.join(", ", failed)));
    }
    out.println();
    out.println("inputs: " + inputs(diff.path("inputs")));
    JsonNode failure = diff.path("failure");
    out.println(
        "failure: "
            + (failure.path("changed").asBoolean(false)
                ? String.join(", ", strings(failure.path("differs")))
                    + (failure.path("differs").size() == 1 ? " differs" : " differ")
                : "the same"));
    JsonNode checks = diff.path("checks");
    List<String> newlyFailed = strings(checks.path("newlyFailed"));
    List<String> newlyPassing = strings(checks.path("newlyPassing"));
    out.println(
        "checks: "
            + (newlyFailed.isEmpty() && newlyPassing.isEmpty()
                ? "no change"
                : (newlyFailed.isEmpty() ? "" : "newly failed " + String.join(", ", newlyFailed))
                    + (newlyFailed.isEmpty() || newlyPassing.isEmpty() ? "" : "; ")
                    + (newlyPassing.isEmpty()
                        ? ""
                        : "newly passing " + String.join(", ", newlyPassing))));
    JsonNode artifacts = diff.path("artifacts");
    List<String> added = strings(artifacts.path("added"));
    List<String> removed = strings(artifacts.path("removed"));
    JsonNode changed = artifacts.path("changedFiles");
    out.println(
        "artifacts: %d added, %d removed, %d changed, %s unchanged%s"
            .formatted(
                added.size(),
                removed.size(),
                changed.size(),
                Json.text(artifacts, "unchanged", "0"),
                artifacts.path("truncated").asBoolean(false) ? " (lists cut at 1000)" : ""));
    added.forEach(path -> out.println("  + " + path));
    removed.forEach(path -> out.println("  - " + path));
    for (JsonNode change : changed) {
      out.println(
          "  ~ %s (%s -> %s bytes%s)"
              .formatted(
                  Json.text(change, "path", "?"),
                  Json.text(change, "sizeBefore", "?"),
                  Json.text(change, "sizeAfter", "?"),
                  kind(Json.text(change, "kind", "?"))));
    }
    for (JsonNode change : changed) {
      if (change.path("diff").isEmpty()) {
        continue;
      }
      out.println();
      change.path("diff").forEach(line -> out.println(Json.text(line)));
      if (change.path("truncated").asBoolean(false)) {
        out.println("... (diff cut at 400 lines)");
      }
    }
  }

  private static String errorType(JsonNode attempt) {
    String errorType = Json.text(attempt.path("errorType"));
    String failureType = Json.text(attempt.path("failureType"));
    return errorType == null || errorType.equals(failureType) ? "" : " (" + errorType + ")";
  }

  private static String inputs(JsonNode inputs) {
    if (!inputs.path("changed").asBoolean(false)) {
      return "unchanged";
    }
    List<String> parts = new ArrayList<>();
    List<String> parameters = strings(inputs.path("parameters"));
    if (!parameters.isEmpty()) {
      parts.add("parameters " + String.join(", ", parameters));
    }
    for (String[] list : new String[][] {{"added", "+"}, {"removed", "-"}, {"changedFiles", "~"}}) {
      strings(inputs.path(list[0])).forEach(path -> parts.add(list[1] + " " + path));
    }
    return "changed: " + String.join("; ", parts);
  }

  private static String kind(String kind) {
    return switch (kind) {
      case "text" -> "";
      case "binary" -> ", binary: not diffed";
      case "large" -> ", over 64 KiB: not diffed";
      case "not-diffed" -> ", not diffed: 20 files per answer";
      case "unavailable" -> ", archived copy gone or changed: not diffed";
      case "unsafe-path" -> ", unsafe path: not read";
      default -> ", " + kind;
    };
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(Json.text(value)));
    return values;
  }
}
