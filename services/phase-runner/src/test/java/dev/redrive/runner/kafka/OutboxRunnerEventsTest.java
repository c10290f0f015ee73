package dev.redrive.runner.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.DeclaredPolicy;
import dev.redrive.avro.Jitter;
import dev.redrive.avro.LoopOutcome;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptDigests;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.LoopState;
import dev.redrive.runner.domain.NextAttempt;
import dev.redrive.runner.domain.PhaseRetryPolicy;
import dev.redrive.support.outbox.Outbox;
import dev.redrive.support.topic.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class OutboxRunnerEventsTest {

  private final List<SpecificRecord> published = new ArrayList<>();
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T15:41:51Z"), ZoneOffset.UTC);
  private final OutboxRunnerEvents events =
      new OutboxRunnerEvents(
          new Outbox(null, null, clock, () -> {}, Integer.MAX_VALUE, 1) {
            @Override
            public void publish(Topic topic, SpecificRecord event) {
              published.add(event);
            }
          },
          clock,
          "redrive-runner",
          1000);

  private final Attempt attempt =
      Attempt.queued(
          "att_1", "exec_1", "review", new NextAttempt(2, 3), null, null, null, null, null);
  private final AttemptOutcome outcome =
      new AttemptOutcome(
          FailureType.EXIT_CRITERIA_NOT_MET,
          false,
          "exit criteria not met",
          "exit criteria not met: approved",
          0,
          List.of(),
          "log",
          1500);

  @Test
  void shouldPublishThePhasesPolicyAsTheDeclaredPolicyField() {
    PhaseRetryPolicy policy =
        new PhaseRetryPolicy(
            3,
            Duration.ofSeconds(2),
            1.5,
            Duration.ofMinutes(1),
            "NONE",
            Set.of(FailureType.TIMEOUT, FailureType.COMMAND_FAILED),
            Duration.ofNanos(1));

    events.attemptFailed("demo", attempt, outcome, policy, null, "archive/", "report", null);

    AttemptFailed failed = failed();
    assertThat(failed.getDeclaredPolicy())
        .isEqualTo(
            DeclaredPolicy.newBuilder()
                .setMaxAttempts(3)
                .setInitialIntervalMs(2_000L)
                .setMultiplier(1.5)
                .setMaxIntervalMs(60_000L)
                .setJitter(Jitter.NONE)
                .setNonRetryable(
                    List.of(
                        dev.redrive.avro.FailureType.COMMAND_FAILED,
                        dev.redrive.avro.FailureType.TIMEOUT))
                // rounded up to whole milliseconds: a deadline stays positive
                .setDeadlineMs(1L)
                .build());
    assertThat(failed.getLoop()).isNull();
    assertThat(failed.getAttributes()).isEmpty();
  }

  @Test
  void shouldLeaveTheFieldsNullWhenThePhaseDeclaresNothingAndNoLoopHandledIt() {
    events.attemptFailed("demo", attempt, outcome, null, null, "archive/", "report", null);

    assertThat(failed().getDeclaredPolicy()).isNull();
    assertThat(failed().getLoop()).isNull();
  }

  @Test
  void shouldLeaveUnsetSettingsOfThePolicyNull() {
    events.attemptFailed(
        "demo",
        attempt,
        outcome,
        new PhaseRetryPolicy(1, null, null, null, null, null, null),
        null,
        "archive/",
        "report",
        null);

    assertThat(failed().getDeclaredPolicy())
        .isEqualTo(DeclaredPolicy.newBuilder().setMaxAttempts(1).build());
  }

  @Test
  void shouldPublishTheLoopsState() {
    events.attemptFailed(
        "demo",
        attempt,
        outcome,
        null,
        new LoopState("develop", 2, 3, false),
        "archive/",
        "report",
        null);

    assertThat(failed().getLoop()).isEqualTo(new LoopOutcome("develop", 2, 3, false));
  }

  @Test
  void shouldPublishTheDigests() {
    events.attemptFailed(
        "demo",
        attempt,
        outcome,
        null,
        null,
        "archive/",
        "report",
        new AttemptDigests("a".repeat(64), "b".repeat(64)));

    assertThat(failed().getInputsDigest()).isEqualTo("a".repeat(64));
    assertThat(failed().getArtifactsDigest()).isEqualTo("b".repeat(64));
  }

  private AttemptFailed failed() {
    assertThat(published).singleElement().isInstanceOf(AttemptEvent.class);
    return (AttemptFailed) ((AttemptEvent) published.get(0)).getPayload();
  }
}
