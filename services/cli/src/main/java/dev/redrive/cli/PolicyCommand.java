package dev.redrive.cli;

import picocli.CommandLine.Command;

/**
 * {@code redrive policy show|history|set|override|clear}: the retry policies as data, stored and
 * versioned by the coordinator, changed without a restart.
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    header = "Show, change and override the retry policies (versioned, audited).",
    description = {
      "The retry policies (defaults, budget, per source, pipeline and phase) are stored by the"
          + " coordinator and versioned: each change says who and why, is a PolicyChanged event in"
          + " the audit, and is in force on every coordinator within a second, without a restart."
          + " The YAML configuration seeds them: a changed YAML is a new version at the next"
          + " start, an unchanged one keeps what people set. An override for one execution (as"
          + " Temporal's 'update options') applies over everything else until it is cleared.",
      "",
      "Examples:",
      "  redrive policy show -o json > policies.json     (edit, then:)",
      "  redrive policy set --file policies.json --reason 'build runner is flaky'",
      "  redrive policy history",
      "  redrive policy override exec-42 --max-attempts 5 --reason 'vendor outage, give it room'",
      "  redrive policy show --execution exec-42",
      "  redrive policy clear exec-42 --reason 'vendor is back'",
      "  redrive policy what-if --since 7d --file policies.json   (before you set it)"
    },
    subcommands = {
      PolicyShowCommand.class,
      PolicyHistoryCommand.class,
      PolicySetCommand.class,
      PolicyOverrideCommand.class,
      PolicyClearCommand.class,
      PolicyWhatIfCommand.class
    })
final class PolicyCommand {

  private PolicyCommand() {}

  /** The path of an execution's override. */
  static String executionPath(String executionId) {
    return "/api/v1/executions/" + ApiCommand.segment(executionId) + "/policy";
  }

  /** What a change answered, for people: the version now in force and what changed. */
  static void printChanged(Console console, String what, tools.jackson.databind.JsonNode answer) {
    if (answer.path("changed").asBoolean()) {
      console
          .out()
          .println(
              "%s version %s in force: %s"
                  .formatted(
                      what, Json.text(answer, "version", "?"), Json.text(answer, "summary", "")));
    } else {
      console
          .out()
          .println(
              "No change: %s version %s already says so"
                  .formatted(
                      what.toLowerCase(java.util.Locale.ROOT), Json.text(answer, "version", "?")));
    }
  }
}
