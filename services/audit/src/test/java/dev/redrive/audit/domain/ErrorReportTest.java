package dev.redrive.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorReportTest {

  private static final Instant AT = Instant.parse("2026-01-29T10:30:00.123Z");

  @Test
  void writesTheReferenceFormatFromTheFieldsOfAFailure() {
    FailedAttempt failure =
        new FailedAttempt(
            "code",
            2,
            2,
            "COMMAND_FAILED",
            "TypeScript Compilation Error",
            "Cannot find module '@prisma/client'",
            "at Object.<anonymous> (src/lib/prisma.ts:1:1)\nat Module._compile (node:internal)",
            List.of(
                new FailedAttempt.Check("Backend can start with no major errors", false),
                new FailedAttempt.Check("Client can render and be accessed", true)),
            List.of(),
            "artifacts/_failed/code/attempt-2/",
            AT,
            null);

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

            Error Type: COMMAND_FAILED (TypeScript Compilation Error)
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
              1. Read the error message and the log excerpt above and fix the cause
              2. Retry code stage (redrive retry <execution-id>)

            ============================================
            """);
  }

  @Test
  void saysWhatIsUnknownInsteadOfLeavingItOut() {
    FailedAttempt bare =
        new FailedAttempt(
            "charge",
            3,
            null,
            "EXIT_CRITERIA_NOT_MET",
            null,
            "balance check failed",
            null,
            null,
            List.of("balance"),
            null,
            AT,
            " ");

    String report = ErrorReport.reportOf(bare);

    assertThat(report)
        .contains("Attempt: 3\n")
        .contains("Error Type: EXIT_CRITERIA_NOT_MET\n")
        .contains("Stack Trace:\n  (none)\n")
        .contains("Exit Criteria Failed:\n  - [ ] balance (FAILED)\n")
        .contains("Failed Artifacts Moved To:\n  (not archived)\n")
        .contains("1. Fix the failed checks: balance\n");
  }

  @Test
  void keepsTheReportAFailureCarriedAndSeparatesReportsWithABlankLine() {
    FailedAttempt own =
        new FailedAttempt(
            "build",
            1,
            2,
            "TIMEOUT",
            null,
            "too slow",
            null,
            null,
            null,
            null,
            AT,
            "ERROR REPORT\nas the runner wrote it");
    FailedAttempt written =
        new FailedAttempt(
            "build", 2, 2, "TIMEOUT", null, "too slow again", null, null, null, null, AT, null);

    String reports = ErrorReport.of(List.of(own, written));

    assertThat(reports).startsWith("ERROR REPORT\nas the runner wrote it\n\n" + ErrorReport.RULE);
    assertThat(reports).endsWith(ErrorReport.format(written));
    assertThat(ErrorReport.of(List.of())).isEmpty();
  }
}
