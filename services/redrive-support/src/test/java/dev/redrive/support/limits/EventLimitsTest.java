package dev.redrive.support.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.LoopOutcome;
import dev.redrive.avro.RetryRequested;
import dev.redrive.avro.Retryability;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The intake check of consumed events, field by field, through the whole record. */
class EventLimitsTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final EventLimits limits = new EventLimits(InputLimits.defaults(), meters);

  @Test
  void shouldAcceptAnOrdinaryFailure() {
    assertThatCode(() -> limits.check(failure(failed().build()))).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseAnEnvelopeIdWithANewlineAndCountIt() {
    AttemptEvent event = failure(failed().build());
    event.setEventId("evt\nid: x");

    assertThatThrownBy(() -> limits.check(event))
        .isInstanceOf(FieldLimitException.class)
        .hasMessageStartingWith("AttemptEvent.eventId: character U+000A at index 3");
    assertThat(meters.get("redrive.input.refused").tag("via", "kafka").counter().count())
        .isEqualTo(1);
  }

  @Test
  void shouldRefuseAnOversizedErrorMessageInThePayload() {
    AttemptEvent event = failure(failed().setErrorMessage("e".repeat(300_000)).build());

    assertThatThrownBy(() -> limits.check(event))
        .hasMessageStartingWith(
            "AttemptFailed.errorMessage: 300,000 bytes, at most 262,144"
                + " (redrive.limits.max-text-bytes)");
  }

  @Test
  void shouldCheckNestedRecordsListsAndMaps() {
    CheckResult check =
        CheckResult.newBuilder()
            .setName("lint\u001b[31m")
            .setPassed(false)
            .setOutputExcerpt("out")
            .build();
    assertThatThrownBy(() -> limits.check(failure(failed().setChecks(List.of(check)).build())))
        .hasMessageStartingWith("AttemptFailed.checks[0].name: control character U+001B");

    Map<String, String> attributes = new HashMap<>();
    for (int i = 0; i < 257; i++) {
      attributes.put("a" + i, "v");
    }
    assertThatThrownBy(() -> limits.check(failure(failed().setAttributes(attributes).build())))
        .hasMessageStartingWith("AttemptFailed.attributes: 257 entries, at most 256");

    assertThatThrownBy(
            () ->
                limits.check(
                    failure(failed().setAttributes(Map.of("k", "v".repeat(300_000))).build())))
        .hasMessageStartingWith("AttemptFailed.attributes.k: 300,000 bytes");
  }

  @Test
  void shouldKeepALoopsTargetPhaseOneLine() {
    AttemptEvent event =
        failure(failed().setLoop(new LoopOutcome("develop\nINFO forged", 1, 3, false)).build());

    assertThatThrownBy(() -> limits.check(event))
        .hasMessageStartingWith("AttemptFailed.loop.target: control character U+000A at index 7");
  }

  @Test
  void shouldRefuseAPersonsOversizedNoteOnARetryRequest() {
    RetryRequested request =
        RetryRequested.newBuilder()
            .setEventId("evt-1")
            .setExecutionId("exec-1")
            .setOccurredAt(Instant.now())
            .setSource("cli")
            .setRequestId("req-1")
            .setNote("n".repeat(600_000))
            .setRequestedBy("alice")
            .build();

    assertThatThrownBy(() -> limits.check(request))
        .hasMessageStartingWith("RetryRequested.note: 600,000 bytes, at most 16,384");
  }

  private static AttemptFailed.Builder failed() {
    return AttemptFailed.newBuilder()
        .setAttemptId("att-1")
        .setPhase("build")
        .setAttemptNumber(1)
        .setFailureType(FailureType.COMMAND_FAILED)
        .setRetryable(Retryability.SOFT)
        .setErrorType("command failed")
        .setErrorMessage("exit 1\nsecond line");
  }

  private static AttemptEvent failure(AttemptFailed failed) {
    return AttemptEvent.newBuilder()
        .setEventId("6f1c1f7e-4c1b-4a59-9d36-0b1a5c1d2e3f")
        .setExecutionId("exec_1a2b3c")
        .setOccurredAt(Instant.now())
        .setSource("redrive-runner")
        .setPipeline("demo")
        .setPayload(failed)
        .build();
  }
}
