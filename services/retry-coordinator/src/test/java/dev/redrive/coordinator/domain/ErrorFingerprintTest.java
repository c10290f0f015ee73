package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fingerprint of a failure: what changes from run to run is masked, the rest decides. */
class ErrorFingerprintTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      textBlock =
          """
          connection to db-7.internal:5432 refused | connection to <host>:<n> refused
          connection to 10.0.3.17:5432 refused | connection to <host>:<n> refused
          Connection refused: localhost/127.0.0.1:8080 | Connection refused: localhost/<host>:<n>
          error: cannot find module 'data' (expected artifacts/prepare/data.txt) | error: cannot find module <str> (expected <path>)
          Failed to load ApplicationContext for [MergedContextConfiguration@3f9a1c2b testClass = OrderTest] | Failed to load ApplicationContext for [MergedContextConfiguration@<hex> testClass = OrderTest]
          HTTP 503 Service Unavailable from https://api.example.com/v1/orders/8812?trace=ab12 | HTTP <n> Service Unavailable from <url>
          GET https://registry.npmjs.org/left-pad failed: 404 Not Found | GET <url> failed: <n> Not Found
          order 7f3c2a90-1b2e-4d5f-9a8b-0c1d2e3f4a5b not found in /var/lib/app/orders-2026-12-06.db | order <uuid> not found in <path>
          2026-12-06T10:33:13.984Z ERROR build failed after 12.5s (exit code 2) | <time> ERROR build failed after <n>s (exit code <n>)
          at 10:33:13 the build failed | at <time> the build failed
          No such file or directory: ./build/out/app.jar | No such file or directory: <path>
          commit 9f2c4e1ab3d45e6f7a8b9c0d1e2f3a4b5c6d7e8f does not exist | commit <hex> does not exist
          FileNotFoundException: C:\\Users\\ci\\work\\in.csv (not found) | FileNotFoundException: <path> (not found)
          exec_665dc27b9c72: phase build attempt 3 failed | exec_<hex>: phase build attempt <n> failed
          Timed out after 30000 ms waiting for 3 of 5 replicas | Timed out after <n> ms waiting for <n> of <n> replicas
          python3: can't open file '/work/exec_1/build.py': [Errno 2] No such file | python3: can't open file <str>: [Errno <n>] No such file
          utf8 decoding error at byte 0x1F | utf8 decoding error at byte <hex>
          I/O error on HTTP/1.1 | I/O error on HTTP/<n>
          expected "ok" but was "failed: 3 tests" | expected <str> but was <str>
          """)
  void shouldMaskWhatChangesFromRunToRun(String message, String masked) {
    assertThat(ErrorFingerprint.normalise(message, ErrorFingerprint.MAX_MESSAGE_CHARS))
        .isEqualTo(masked);
  }

  @Test
  void shouldKeepTheSourceFileAndMaskItsLineInAJavaStackTrace() {
    String trace =
        "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is"
            + " null\n\tat com.acme.Orders.total(Orders.java:42)\n\tat com.acme.Main.main(Main.java:7)";

    assertThat(ErrorFingerprint.normalise(trace, 4096))
        .isEqualTo(
            "java.lang.NullPointerException: Cannot invoke <str> because <str> is null"
                + " at com.acme.Orders.total(Orders.java:<n>) at com.acme.Main.main(Main.java:<n>)");
  }

  @Test
  void shouldCollapseWhitespaceAndReadNullAsEmpty() {
    assertThat(ErrorFingerprint.normalise("  too   many\t\tspaces\n ", 4096))
        .isEqualTo("too many spaces");
    assertThat(ErrorFingerprint.normalise(null, 4096)).isEmpty();
  }

  @Test
  void shouldGiveTheSameIdToTheSameFailureInAnotherRun() {
    ErrorFingerprint first =
        fingerprint("connect to db-7.internal:5432 refused after 3 tries (exec_665dc27b9c72)");
    ErrorFingerprint second =
        fingerprint("connect to db-2.internal:6432 refused after 5 tries (exec_0a1b2c3d4e5f)");

    assertThat(second).isEqualTo(first);
    assertThat(first.id()).matches(ErrorFingerprint.ID.pattern());
  }

  @Test
  void shouldKeepItsIdFromReleaseToRelease() {
    // the ids are stored with each failure: a change of the masks changes the history's groups
    ErrorFingerprint fingerprint =
        ErrorFingerprint.of(
            FailureType.COMMAND_FAILED,
            "exit code 1",
            "connection to db-7.internal:5432 refused",
            List.of());

    assertThat(fingerprint.id()).isEqualTo("fp_c72d0f3f2d89");
    assertThat(fingerprint.text())
        .isEqualTo("COMMAND_FAILED: exit code <n>: connection to <host>:<n> refused");
    assertThat(fingerprint.errorClass()).isEqualTo("COMMAND_FAILED/exit code <n>");
  }

  @Test
  void shouldTellFailuresApartByMessageTypeErrorTypeAndFailedChecks() {
    ErrorFingerprint base = fingerprint("cannot resolve dependency left-pad");

    assertThat(fingerprint("cannot resolve dependency right-pad").id()).isNotEqualTo(base.id());
    assertThat(
            ErrorFingerprint.of(
                    FailureType.OTHER,
                    "exit code 1",
                    "cannot resolve dependency left-pad",
                    List.of())
                .id())
        .isNotEqualTo(base.id());
    assertThat(
            ErrorFingerprint.of(
                    FailureType.COMMAND_FAILED,
                    "killed",
                    "cannot resolve dependency left-pad",
                    List.of())
                .id())
        .isNotEqualTo(base.id());
    assertThat(
            ErrorFingerprint.of(
                    FailureType.COMMAND_FAILED,
                    "exit code 1",
                    "cannot resolve dependency left-pad",
                    List.of("lint"))
                .id())
        .isNotEqualTo(base.id());
  }

  @Test
  void shouldReadTheFailedChecksInAnyOrderAndOnlyTheFailedOnes() {
    Failure oneOrder =
        Failures.attempt(
            1,
            FailureType.EXIT_CRITERIA_NOT_MET,
            "2 checks failed",
            Failures.failedCheck("tests", "3 failed"),
            Failures.passedCheck("lint"),
            Failures.failedCheck("coverage", "71%"));
    Failure otherOrder =
        Failures.attempt(
            2,
            FailureType.EXIT_CRITERIA_NOT_MET,
            "2 checks failed",
            Failures.failedCheck("coverage", "64%"),
            Failures.failedCheck("tests", "1 failed"));

    assertThat(otherOrder.fingerprint()).isEqualTo(oneOrder.fingerprint());
    assertThat(oneOrder.fingerprint().text())
        .isEqualTo(
            "EXIT_CRITERIA_NOT_MET: exit code <n>: <n> checks failed"
                + " [failed checks: coverage, tests]");
  }

  @Test
  void shouldReadOnlyTheFirstCharactersOfALongMessage() {
    String head = "x".repeat(ErrorFingerprint.MAX_MESSAGE_CHARS);

    ErrorFingerprint one = fingerprint(head + " tail one");
    ErrorFingerprint other = fingerprint(head + " tail two");

    assertThat(other.id()).isEqualTo(one.id());
    assertThat(one.text()).hasSize(ErrorFingerprint.MAX_TEXT_CHARS).endsWith("...");
  }

  @Test
  void shouldNotRepeatAnErrorTypeThatTheMessageStartsWith() {
    assertThat(
            ErrorFingerprint.of(
                    FailureType.COMMAND_FAILED,
                    "java.io.IOException",
                    "java.io.IOException: disk full",
                    List.of())
                .text())
        .isEqualTo("COMMAND_FAILED: java.io.IOException: disk full");
    assertThat(ErrorFingerprint.of(FailureType.TIMEOUT, null, null, List.of()).text())
        .isEqualTo("TIMEOUT:");
  }

  @Test
  void shouldClassByFailureTypeAndAShortMaskedErrorType() {
    assertThat(ErrorFingerprint.of(FailureType.TIMEOUT, null, "slow", List.of()).errorClass())
        .isEqualTo("TIMEOUT");
    assertThat(
            ErrorFingerprint.of(FailureType.OTHER, "E".repeat(300) + " 42", "boom", List.of())
                .errorClass())
        .hasSize("OTHER/".length() + ErrorFingerprint.MAX_CLASS_ERROR_TYPE_CHARS);
  }

  private static ErrorFingerprint fingerprint(String message) {
    return ErrorFingerprint.of(FailureType.COMMAND_FAILED, "exit code 1", message, List.of());
  }
}
