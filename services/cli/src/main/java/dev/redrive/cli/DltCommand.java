package dev.redrive.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code redrive dlt list|show|replay}: the records Redrive's consumers dead-lettered (the {@code
 * <topic>.DLT} topics), with why, and replaying them to the topics they came from.
 */
@Command(
    name = "dlt",
    mixinStandardHelpOptions = true,
    header = "List, show and replay dead letters.",
    description = {
      "A record a service cannot handle (it does not decode, it is not a valid event, or its"
          + " handler kept failing) goes to <topic>.DLT with the reason. List them, look at one,"
          + " mend the cause, and replay them to the topic they came from: with their key, value"
          + " and headers, at a bounded rate, each once unless --force. One that fails again is"
          + " dead-lettered again (re-parked) with its replay count, and is not replayed by a"
          + " filter again unless named or forced.",
      "",
      "Examples:",
      "  redrive dlt list --topic redrive.attempts --since 2h",
      "  redrive dlt show redrive.attempts.DLT/0/42",
      "  redrive dlt replay --topic redrive.attempts --reason 'schema' --dry-run",
      "  redrive dlt replay --coordinates redrive.attempts.DLT/0/42 --rate 5 --note 'registry fixed'"
    },
    subcommands = {DltListCommand.class, DltShowCommand.class, DltReplayCommand.class})
final class DltCommand {

  private DltCommand() {}

  /** The parameters that have a value, as a query string ({@code ?a=1&b=2}, or empty). */
  static String query(Map<String, String> parameters) {
    StringBuilder query = new StringBuilder();
    parameters.forEach(
        (name, value) -> {
          if (value != null) {
            query.append(query.isEmpty() ? '?' : '&').append(name).append('=');
            query.append(URLEncoder.encode(value, StandardCharsets.UTF_8));
          }
        });
    return query.toString();
  }

  /** {@code topic/partition/offset} as the API's path: each part checked and encoded. */
  static String path(String coordinates) {
    String[] parts = coordinates.split("/", -1);
    if (parts.length != 3 || !parts[1].matches("\\d{1,9}") || !parts[2].matches("\\d{1,18}")) {
      throw new UsageException(
          "'%s' is not <dead-letter topic>/<partition>/<offset>, e.g. redrive.attempts.DLT/0/42"
              .formatted(coordinates.length() > 140 ? coordinates.substring(0, 140) : coordinates));
    }
    return ApiCommand.segment(parts[0]) + "/" + parts[1] + "/" + parts[2];
  }
}
