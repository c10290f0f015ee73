package dev.redrive.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code redrive outbox parked|requeue}: the outbox rows a service's relay parked because it could
 * never send them (or held behind one), and putting them back.
 */
@Command(
    name = "outbox",
    mixinStandardHelpOptions = true,
    header = "List and re-queue parked outbox rows.",
    description =
        "A service parks an outbox row its relay can never send (too large for the broker, for"
            + " example), with the later rows of the same execution held behind it; the other"
            + " rows keep flowing. List them, mend the cause, and re-queue them.",
    subcommands = {OutboxCommand.ParkedCommand.class, OutboxCommand.RequeueCommand.class})
final class OutboxCommand {

  /** The services that run an outbox. */
  enum OutboxService {
    runner(Service.RUNNER),
    coordinator(Service.COORDINATOR);

    final Service service;

    OutboxService(Service service) {
      this.service = service;
    }
  }

  @Command(
      name = "parked",
      mixinStandardHelpOptions = true,
      header = "List a service's parked outbox rows.",
      description = "Prints the parked rows, oldest first: id, execution, event types, why.")
  static final class ParkedCommand extends ApiCommand {

    @Option(
        names = "--service",
        required = true,
        paramLabel = "runner|coordinator",
        description = "whose outbox: ${COMPLETION-CANDIDATES}")
    OutboxService service;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "100",
        description = "most rows to list, 1 to 1000 (default: ${DEFAULT-VALUE})")
    int limit;

    ParkedCommand(Console console) {
      super(console);
    }

    @Override
    int run(RedriveClient client) {
      if (limit < 1 || limit > 1000) {
        throw new UsageException("--limit must be between 1 and 1000, not " + limit);
      }
      RedriveClient.Response response =
          client.get(service.service, "/api/v1/outbox/parked?limit=" + limit);
      if (json()) {
        out().println(response.body());
        return ExitCodes.OK;
      }
      JsonNode listing = Json.parse(response.body());
      int total = listing.path("total").asInt();
      if (total == 0) {
        out().println("No parked outbox rows in the " + service.service.displayName() + ".");
        return ExitCodes.OK;
      }
      Text.Table rows = new Text.Table();
      rows.row("ID", "EXECUTION", "EVENTS", "PARKED AT", "TRIES", "CAUSE");
      for (JsonNode row : listing.path("rows")) {
        rows.row(
            Json.text(row, "id", "?"),
            printable(join(row.path("keys")), 60),
            printable(join(row.path("eventTypes")), 60),
            Json.text(row, "parkedAt", ""),
            Json.text(row, "attempts", ""),
            printable(Json.text(row, "cause", ""), 120));
      }
      rows.print(out(), "");
      out().println();
      out()
          .println(
              total
                  + " parked in the "
                  + service.service.displayName()
                  + ". Re-queue one (and the rows held behind it): redrive outbox requeue --service "
                  + service.name()
                  + " <id>");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "requeue",
      mixinStandardHelpOptions = true,
      header = "Put a parked outbox row back into the outbox.",
      description =
          "Puts the row back in its place, with the later parked rows of its executions, so the"
              + " relay sends them again in their order. Mend the cause first (for example raise"
              + " the topic's max.message.bytes), or the relay parks it again.")
  static final class RequeueCommand extends ApiCommand {

    @Option(
        names = "--service",
        required = true,
        paramLabel = "runner|coordinator",
        description = "whose outbox: ${COMPLETION-CANDIDATES}")
    OutboxService service;

    @Parameters(index = "0", paramLabel = "<id>", description = "the parked row's id")
    long id;

    RequeueCommand(Console console) {
      super(console);
    }

    @Override
    int run(RedriveClient client) {
      RedriveClient.Response response =
          client.postJson(service.service, "/api/v1/outbox/parked/" + id + "/requeue", "{}");
      if (json()) {
        out().println(response.body());
        return ExitCodes.OK;
      }
      List<String> ids = new ArrayList<>();
      Json.parse(response.body()).path("requeued").forEach(n -> ids.add(n.asString()));
      out().println("Re-queued outbox rows " + String.join(", ", ids) + ".");
      return ExitCodes.OK;
    }
  }

  private static String join(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asString()));
    return String.join(",", values);
  }

  /** One line without control characters (terminal escapes from event data are not printed). */
  static String printable(String value, int max) {
    StringBuilder out = new StringBuilder();
    value.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return Text.oneLine(out.toString(), max);
  }
}
