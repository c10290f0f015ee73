package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line itself: help, usage errors and exit code 2, before any server is asked. */
class ArgumentParsingTest {

  @TempDir Path home;

  private Cli cli() {
    // nothing listens on port 9 of the loopback: a command that got as far as a request would fail
    // with exit code 5, not 2
    return new Cli(home)
        .env("REDRIVE_RUNNER_URL", "http://127.0.0.1:9")
        .env("REDRIVE_COORDINATOR_URL", "http://127.0.0.1:9")
        .env("REDRIVE_AUDIT_URL", "http://127.0.0.1:9");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "start",
        "status",
        "retry",
        "inspect",
        "events",
        "events list",
        "events stream",
        "report"
      })
  void shouldShowHelpWithTheExitCodesOnEveryCommand(String command) {
    String[] args = (command + " --help").strip().split(" ");

    Cli.Result result = cli().run(args);

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("Usage: redrive " + command)
        .contains("Exit codes:", "  3  refused by the server (409)", "  5  a server could not")
        .contains("REDRIVE_COORDINATOR_URL", "~/.config/redrive/config.properties");
  }

  @Test
  void shouldListEveryCommandInTheTopLevelHelp() {
    Cli.Result result = cli().run("--help");

    assertThat(result.out())
        .contains("start ", "status ", "retry ", "inspect ", "events ", "report ");
  }

  @Test
  void shouldDocumentEveryRetryFlag() {
    Cli.Result result = cli().run("retry", "--help");

    assertThat(result.out())
        .contains(
            "--force",
            "--reset-count",
            "--from=PHASE",
            "--dry-run",
            "--new",
            "--note=TEXT",
            "--json",
            "--token=TOKEN",
            "--coordinator-url=URL");
  }

  @Test
  void shouldExitWithUsageErrorWhenTheIdIsMissing() {
    Cli.Result result = cli().run("status");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .contains("Missing required parameter: '<id>'")
        .contains("Try 'redrive status --help'");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void shouldExitWithUsageErrorAndASuggestionForAMistypedOption() {
    Cli.Result result = cli().run("retry", "exec_1", "--forse");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Unknown option: '--forse'").contains("--force");
  }

  @Test
  void shouldExitWithUsageErrorForAMistypedCommand() {
    Cli.Result result = cli().run("stauts", "exec_1");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("status");
  }

  @Test
  void shouldExitWithUsageErrorWithoutACommand() {
    assertThat(cli().run().exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli().run("events").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli().run("events").err()).contains("Missing required subcommand");
  }

  @Test
  void shouldExitWithUsageErrorForAnInputWithoutEqualsSign() {
    Cli.Result result = cli().run("start", "demo", "--input", "colour");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("KEY=VALUE");
  }

  @Test
  void shouldExitWithUsageErrorForAFileThatDoesNotExist() {
    Cli.Result result = cli().run("start", "demo", "--file", home.resolve("nope.txt").toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .contains("--file", "nope.txt", "no such file")
        .contains("Try 'redrive start --help' for more information.");
  }

  @Test
  void shouldExitWithUsageErrorForABadDuration() {
    Cli.Result result = cli().run("start", "demo", "--wait", "--timeout", "soon");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("'soon' is not a duration");
  }

  @Test
  void shouldExitWithUsageErrorForAnAddressThatIsNotAnUrl() {
    Cli.Result result = cli().run("status", "exec_1", "--coordinator-url", "localhost:8092");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .contains("'localhost:8092' (from --coordinator-url) is not an http:// or https://");
  }

  @Test
  void shouldExitWithUsageErrorForANegativeLimit() {
    Cli.Result result = cli().run("events", "list", "exec_1", "--limit", "0");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void shouldReadDurationsInShortAndIsoForm() {
    DurationConverter converter = new DurationConverter();

    assertThat(converter.convert("500ms")).hasMillis(500);
    assertThat(converter.convert("90s")).hasSeconds(90);
    assertThat(converter.convert("30m")).hasMinutes(30);
    assertThat(converter.convert("2h")).hasHours(2);
    assertThat(converter.convert("PT1M")).hasSeconds(60);
  }

  @Test
  void shouldPrintTheVersion() {
    Cli.Result result = cli().run("--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("redrive ");
  }
}
