package dev.redrive.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorReportTest {

  private static final Instant AT = Instant.parse("2026-01-29T10:30:00.123Z");

  private static FailedAttempt failure(
      String type, Integer maxAttempts, List<FailedAttempt.Check> checks) {
    return new FailedAttempt(
        "exec_1",
        "code",
        2,
        maxAttempts,
        type,
        "TypeScript Compilation Error",
        "Cannot find module '@prisma/client'",
        null,
        "at Object.<anonymous> (src/lib/prisma.ts:1:1)\nat Module._compile (node:internal)",
        checks,
        List.of(),
        "artifacts/_failed/code/attempt-2/",
        AT,
        null);
  }

  @Test
  void writesTheReferenceLayout() {
    FailedAttempt failure =
        failure(
            "EXIT_CRITERIA_NOT_MET",
            2,
            List.of(
                new FailedAttempt.Check("Backend can start with no major errors", false),
                new FailedAttempt.Check("Client can render and be accessed", true)));

    assertThat(ErrorReport.format(failure))
        .isEqualTo(
            """
            ============================================
            ERROR REPORT
            ============================================
            Timestamp: 2026-01-29T10:30:00Z
            Stage: code
            Attempt: 2/2
            Status: FAILED

            Error Type: EXIT_CRITERIA_NOT_MET (TypeScript Compilation Error)
            Error Message: Cannot find module '@prisma/client'

            Stack Trace:
              at Object.<anonymous> (src/lib/prisma.ts:1:1)
              at Module._compile (node:internal)

            Exit Criteria Failed:
              - [ ] Backend can start with no major errors (FAILED)
              - [x] Client can render and be accessed

            Failed Artifacts Moved To:
              artifacts/_failed/code/attempt-2/

            Recommended Action:
              1. Fix the failed checks: Backend can start with no major errors
              2. Retry code stage: redrive retry exec_1 (add --reset-count for a fresh set of attempts)

            ============================================
            """);
  }

  @Test
  void hasEveryHeadingOfTheReferenceInOrder() {
    assertThat(ErrorReport.format(failure("COMMAND_FAILED", 2, List.of())))
        .containsSubsequence(
            "ERROR REPORT",
            "Timestamp: ",
            "Stage: ",
            "Attempt: ",
            "Status: FAILED",
            "Error Type: ",
            "Error Message: ",
            "Stack Trace:",
            "Exit Criteria Failed:",
            "Failed Artifacts Moved To:",
            "Recommended Action:");
  }

  @Test
  void saysWhatIsUnknownInsteadOfLeavingItOut() {
    FailedAttempt bare =
        new FailedAttempt(
            "exec_1",
            "charge",
            3,
            null,
            "EXIT_CRITERIA_NOT_MET",
            " ",
            "balance check failed",
            null,
            "  \n",
            null,
            List.of("balance"),
            null,
            AT,
            null);

    assertThat(ErrorReport.format(bare))
        .contains("Attempt: 3\n")
        .contains("Error Type: EXIT_CRITERIA_NOT_MET\n")
        .contains("Stack Trace:\n  (none)\n")
        .contains("Exit Criteria Failed:\n  - [ ] balance (FAILED)\n")
        .contains("Failed Artifacts Moved To:\n  (not archived)\n")
        .contains("1. Fix the failed checks: balance\n");
  }

  @Test
  void saysWhenNoExitCriteriaRan() {
    assertThat(ErrorReport.format(failure("TIMEOUT", 2, List.of())))
        .contains("Exit Criteria Failed:\n  (no exit criteria ran)\n");
  }

  @Test
  void indentsEveryLineOfTheRecommendedAction() {
    assertThat(ErrorReport.format(failure("TIMEOUT", 2, List.of())))
        .contains(
            "Recommended Action:\n  1. Find out why the phase ran past its timeout, or raise the"
                + " timeout\n  2. Retry code stage: ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "MISSING_OUTPUT",
        "EXIT_CRITERIA_NOT_MET",
        "UNAUTHORIZED_WRITE",
        "COMMAND_FAILED",
        "TIMEOUT",
        "INTERRUPTED",
        "INFRASTRUCTURE",
        "OTHER",
        "A_TYPE_FROM_ANOTHER_SYSTEM"
      })
  void writesAReportForEveryFailureType(String type) {
    assertThat(ErrorReport.format(failure(type, 2, List.of())))
        .contains("Error Type: " + type + " (")
        .endsWith(ErrorReport.RULE + "\n");
  }

  @Test
  void joinsReportsWithABlankLineAndEndsEachWithANewline() {
    String written = ErrorReport.format(failure("TIMEOUT", 2, List.of()));

    String joined = ErrorReport.join(List.of("ERROR REPORT\nas the runner wrote it", written));

    assertThat(joined).isEqualTo("ERROR REPORT\nas the runner wrote it\n\n" + written);
    assertThat(ErrorReport.join(List.of())).isEmpty();
  }
}
