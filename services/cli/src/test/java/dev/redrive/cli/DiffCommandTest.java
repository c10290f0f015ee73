package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code redrive diff} against a fake runner answering as docs/rest-api.md says. */
class DiffCommandTest extends AgainstFakeServices {

  static final String DIFF =
      """
      {"executionId": "exec_abc123", "phase": "build",
       "a": {"number": 1, "failureType": "COMMAND_FAILED", "errorType": "COMMAND_FAILED",
             "message": "broke on run 1", "failedChecks": [],
             "inputsDigest": "1111", "artifactsDigest": "2222"},
       "b": {"number": 2, "failureType": "EXIT_CRITERIA_NOT_MET", "errorType": "EXIT_CRITERIA_NOT_MET",
             "message": "check tests failed", "failedChecks": ["tests"],
             "inputsDigest": "1111", "artifactsDigest": "3333"},
       "inputs": {"changed": false, "parameters": [], "added": [], "removed": [], "changedFiles": []},
       "failure": {"changed": true, "differs": ["failureType", "errorType", "message", "failedChecks"]},
       "checks": {"newlyFailed": ["tests"], "newlyPassing": []},
       "artifacts": {"changed": true, "added": ["run-2.txt"], "removed": ["old.log"],
         "changedFiles": [
           {"path": "report.txt", "sizeBefore": 32, "sizeAfter": 32, "kind": "text",
            "diff": ["--- attempt-1/report.txt", "+++ attempt-2/report.txt", "@@ -1,3 +1,3 @@",
                     " header", "-run 1", "+run 2", " footer"], "truncated": false},
           {"path": "app.bin", "sizeBefore": 10, "sizeAfter": 12, "kind": "binary", "diff": [],
            "truncated": false}],
         "unchanged": 3, "truncated": false}}
      """;

  @Test
  void shouldPrintTheDiffForPeople() {
    runner.json("GET /api/v1/executions/exec_abc123/phases/build/diff", 200, DIFF);

    Cli.Result result = cli.run("diff", "exec_abc123", "build");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains(
            "Attempt 1: COMMAND_FAILED\n",
            "  message: broke on run 1",
            "Attempt 2: EXIT_CRITERIA_NOT_MET\n",
            "  failed checks: tests",
            "inputs: unchanged",
            "failure: failureType, errorType, message, failedChecks differ",
            "checks: newly failed tests",
            "artifacts: 1 added, 1 removed, 2 changed, 3 unchanged",
            "  + run-2.txt",
            "  - old.log",
            "  ~ report.txt (32 -> 32 bytes)",
            "  ~ app.bin (10 -> 12 bytes, binary: not diffed)",
            "--- attempt-1/report.txt\n+++ attempt-2/report.txt\n@@ -1,3 +1,3 @@\n header\n-run 1\n"
                + "+run 2\n footer\n");
  }

  @Test
  void shouldAskForTheNamedAttemptsAndPrintJson() {
    runner.json("GET /api/v1/executions/exec_abc123/phases/build/diff?a=1&b=2", 200, DIFF);

    Cli.Result result = cli.run("diff", "exec_abc123", "build", "1", "2", "-o", "json");

    assertThat(result.exitCode()).isZero();
    assertThat(Json.parse(result.out()).path("b").path("number").asInt()).isEqualTo(2);
  }

  @Test
  void shouldExitFourWhenThereIsNothingToCompare() {
    runner.json(
        "GET /api/v1/executions/exec_abc123/phases/build/diff?a=1&b=7",
        404,
        """
        {"title": "Nothing to compare", "status": 404,
         "detail": "Phase build of execution exec_abc123 has no failed attempt 7; its failed attempts: [1, 2]",
         "failedAttempts": [1, 2]}""");

    Cli.Result result = cli.run("diff", "exec_abc123", "build", "1", "7");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err()).contains("no failed attempt 7; its failed attempts: [1, 2]");
  }

  @Test
  void shouldExitOneWithTheRunnersWordsOnA400() {
    runner.json(
        "GET /api/v1/executions/exec_abc123/phases/build/diff?a=2&b=2",
        400,
        """
        {"title": "Invalid diff request", "status": 400,
         "detail": "a and b are both 2 (b defaults to the last failed attempt): name the other one"}""");

    Cli.Result result = cli.run("diff", "exec_abc123", "build", "2", "2");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.err()).contains("a and b are both 2");
  }

  @Test
  void shouldRefuseOneAttemptNumberOrOneOutOfRangeBeforeAnyRequest() {
    assertThat(cli.run("diff", "exec_abc123", "build", "1").exitCode()).isEqualTo(ExitCodes.USAGE);
    Cli.Result zero = cli.run("diff", "exec_abc123", "build", "0", "2");
    assertThat(zero.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(zero.err()).contains("from 1 to 10000");
  }

  @Test
  void shouldShowItsHelp() {
    Cli.Result result = cli.run("diff", "--help");

    assertThat(result.out())
        .contains("Usage: redrive diff", "<execution> <phase> [A] [B]", "Exit codes:");
  }
}
