package dev.redrive.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code redrive report <id>}: the execution's error report(s) in the error.log format. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    header = "Print an execution's error reports.",
    description =
        "Prints an execution's error report(s) in the error.log format, from the audit service."
            + " Exit 4 when the execution has none.")
final class ReportCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "<id>", description = "execution id (exec_...)")
  String executionId;

  ReportCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    String report =
        client.get(Service.AUDIT, "/api/v1/executions/" + segment(executionId) + "/report").body();
    if (json()) {
      // the audit serves the report as text/plain; scripts get it wrapped in one JSON object
      Map<String, String> wrapped = new LinkedHashMap<>();
      wrapped.put("executionId", executionId);
      wrapped.put("report", report);
      out().println(Json.write(wrapped));
    } else {
      out().print(report.endsWith("\n") ? report : report + "\n");
    }
    return ExitCodes.OK;
  }
}
