package dev.redrive.cli;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** {@code redrive events list|stream <id>}: an execution's audit trail. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    header = "List or follow an execution's events.",
    description = "An execution's audit trail, from the audit service: list it, or follow it live.",
    subcommands = {EventsCommand.ListCommand.class, EventsCommand.StreamCommand.class})
final class EventsCommand {

  private static final int PAGE = 500;

  /** Events after which nothing happens without a person: {@code --until-end} stops there. */
  static final Set<String> END_TYPES =
      Set.of("ExecutionSucceeded", "ExecutionCancelled", "ExecutionHalted", "InterventionRequired");

  /**
   * Events that change where an execution stands (the audit page's status follows the same ones):
   * the last of them says whether it has ended, so an end it was retried from since does not count.
   */
  private static final Set<String> STATUS_TYPES =
      Set.of(
          "ExecutionStarted",
          "AttemptStarted",
          "PhaseStarted",
          "RolledBack",
          "AttemptFailed",
          "ExecutionHalted",
          "RetryScheduled",
          "InterventionRequired",
          "ExecutionSucceeded",
          "ExecutionCancelled");

  /**
   * Up to {@code limit} events of an execution from {@code offset} on (null: all), paging through
   * the audit's timeline.
   */
  static ArrayNode timeline(RedriveClient client, String id, int offset, Integer limit) {
    ArrayNode events = Json.MAPPER.createArrayNode();
    int next = offset;
    while (limit == null || events.size() < limit) {
      int size = limit == null ? PAGE : Math.min(PAGE, limit - events.size());
      String path =
          "/api/v1/executions/%s/events?limit=%d&offset=%d"
              .formatted(ApiCommand.segment(id), size, next);
      JsonNode page = Json.parse(client.get(Service.AUDIT, path).body());
      page.forEach(events::add);
      next += page.size();
      if (page.size() < size) {
        break;
      }
    }
    return events;
  }

  /** Whether the last event of {@code events} that changes the execution's status ends it. */
  static boolean ended(ArrayNode events) {
    String last = null;
    for (JsonNode event : events) {
      String type = event.path("type").asString("");
      if (STATUS_TYPES.contains(type)) {
        last = type;
      }
    }
    return last != null && END_TYPES.contains(last);
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      header = "Print an execution's events.",
      description = "Prints every event of an execution, oldest first, one line each.")
  static final class ListCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "<id>", description = "execution id (exec_...)")
    String executionId;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "print at most N events (default: all)")
    Integer limit;

    @Option(
        names = "--offset",
        paramLabel = "N",
        defaultValue = "0",
        description = "skip the first N events (default: 0)")
    int offset;

    ListCommand(Console console) {
      super(console);
    }

    @Override
    int run(RedriveClient client) {
      if ((limit != null && limit < 1) || offset < 0) {
        throw new UsageException("--limit must be at least 1 and --offset at least 0");
      }
      ArrayNode events = timeline(client, executionId, offset, limit);
      if (events.isEmpty() && offset == 0) {
        // the audit answers an empty timeline for an id it never saw
        err().println("No events for execution " + executionId + " in the audit trail.");
        return ExitCodes.NOT_FOUND;
      }
      if (json()) {
        out().println(Json.write(events));
        return ExitCodes.OK;
      }
      if (events.isEmpty()) {
        out().println("No events of " + executionId + " after the first " + offset + ".");
        return ExitCodes.OK;
      }
      events.forEach(event -> out().println(EventFormat.line(event)));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "stream",
      mixinStandardHelpOptions = true,
      header = "Follow an execution's events as they happen.",
      description =
          "Prints an execution's events as they happen: first the ones so far, then each new"
              + " one. Runs until Ctrl-C, or with --until-end until the execution succeeds, is"
              + " cancelled or halted, or needs a person.")
  static final class StreamCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "<id>", description = "execution id (exec_...)")
    String executionId;

    @Option(
        names = "--until-end",
        description = "stop after ExecutionSucceeded, -Cancelled, -Halted or InterventionRequired")
    boolean untilEnd;

    @Option(
        names = "--reconnect-delay",
        hidden = true,
        defaultValue = "1s",
        converter = DurationConverter.class)
    Duration reconnectDelay;

    StreamCommand(Console console) {
      super(console);
    }

    /**
     * With {@code --until-end}, the events so far are read first: an id without any is not found,
     * and an execution that has ended already is printed and left, rather than followed forever.
     * The stream then starts after the last of them.
     */
    @Override
    int run(RedriveClient client) throws InterruptedException {
      // events already printed: a resumed stream may repeat some
      Set<String> seen = new HashSet<>();
      String[] lastId = {null};
      boolean[] ended = {false};
      if (untilEnd) {
        ArrayNode sofar = timeline(client, executionId, 0, null);
        if (sofar.isEmpty()) {
          err().println("No events for execution " + executionId + " in the audit trail.");
          return ExitCodes.NOT_FOUND;
        }
        for (JsonNode event : sofar) {
          seen.add(event.path("eventId").asString());
          printEntry(event);
        }
        lastId[0] = sofar.get(sofar.size() - 1).path("eventId").asString();
        ended[0] = ended(sofar);
      }
      String path = "/api/v1/executions/" + segment(executionId) + "/events/stream";
      while (!ended[0]) {
        client.stream(
            Service.AUDIT,
            path,
            lastId[0],
            event -> {
              if (event.id() != null) {
                lastId[0] = event.id();
                if (!seen.add(event.id())) {
                  return true;
                }
              }
              print(event);
              ended[0] = untilEnd && END_TYPES.contains(event.type());
              return !ended[0];
            });
        if (!ended[0]) {
          // the server closed the stream (its time-out): resume after the last event seen
          Thread.sleep(reconnectDelay.toMillis());
        }
      }
      return ExitCodes.OK;
    }

    private void printEntry(JsonNode entry) {
      out().println(json() ? Json.write(entry) : EventFormat.line(entry));
      out().flush();
    }

    private void print(SseEvent event) {
      if (json()) {
        out().println(event.data().replace('\n', ' '));
      } else {
        try {
          out().println(EventFormat.line(Json.parse(event.data())));
        } catch (JacksonException e) {
          out().println(event.type() + " " + event.data());
        }
      }
      out().flush();
    }
  }
}
