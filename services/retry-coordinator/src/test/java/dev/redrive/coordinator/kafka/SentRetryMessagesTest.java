package dev.redrive.coordinator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.RetryCommand;
import dev.redrive.coordinator.app.SentRetries;
import dev.redrive.coordinator.domain.AttemptSummary;
import dev.redrive.coordinator.domain.CheckOutcome;
import dev.redrive.coordinator.domain.DecisionExplanation;
import dev.redrive.coordinator.domain.DelayComputation;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.Jitter;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.support.avro.InMemorySchemaRegistry;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.pack.PackedBytes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A retry kept as sent reads back as the coordinator made it: the context from its command, the
 * decision and its why from its RetryScheduled, through a schema registry as consumers read them.
 */
class SentRetryMessagesTest {

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00.123Z");

  /** When a decision was made, to the microsecond, as the clock gives it. */
  private static final Instant DECIDED = Instant.parse("2026-12-07T10:00:00.123456Z");

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final RedriveAvroSerializer serializer = new RedriveAvroSerializer(registry);
  private final SentRetryMessages sent = new SentRetryMessages(registry);

  @Test
  void shouldReadTheContextAndTheDecisionAsTheyWereMade() {
    // given a retry's context and decision, sent as the coordinator sends them
    RetryContext context =
        new RetryContext(
            "exec-1",
            "build",
            3,
            4,
            List.of(
                new AttemptSummary(
                    "a-1",
                    1,
                    FailureType.EXIT_CRITERIA_NOT_MET,
                    "AssertionError",
                    "2 rows, expected 3",
                    1,
                    List.of(new CheckOutcome("rows", false, "2 rows")),
                    1_200,
                    "s3://bucket/a-1",
                    NOW.minusSeconds(60)),
                new AttemptSummary(
                    "a-2",
                    2,
                    FailureType.TIMEOUT,
                    "",
                    "",
                    null,
                    List.of(new CheckOutcome("rows", false, null)),
                    30_000,
                    null,
                    NOW.minusSeconds(5))),
            List.of("alice: the disk is bigger now"),
            "This is attempt 3 of 4 for phase 'build'.",
            false);
    Map<String, String> origins = new LinkedHashMap<>();
    PolicyOverride.FIELDS.forEach(field -> origins.put(field, "default"));
    origins.put("maxAttempts", "phase demo/build");
    ExplainedDecision decision =
        new ExplainedDecision(
            "build",
            2,
            ExplainedDecision.RETRY,
            null,
            "SOFT failure TIMEOUT: 2 failures counted, 4 attempts allowed",
            DECIDED,
            NOW.plusSeconds(4),
            new PolicyOverride(4, null, null, null, null, null, null),
            new DecisionExplanation(
                "maxAttempts=4, backoff 1000ms x2.0 up to 300000ms, jitter FULL",
                7,
                origins,
                2,
                4,
                List.of("pipeline demo: 1 retries for 9 attempts in the last 60s"),
                new DelayComputation(2_000, 300_000, Jitter.FULL, null, 1_234, "formula"),
                "fp_0123456789ab",
                List.of("1 more failure is retried automatically")));

    byte[] packed = send("cmd-1", context, decision);

    // when they are read back, they are what was made (the phase's own policy is kept beside them),
    // its time to the millisecond, as the messages carry it
    assertThat(sent.context(packed)).isEqualTo(context);
    assertThat(sent.decision(packed, decision.declared()))
        .isEqualTo(withDecidedAt(decision, DECIDED.truncatedTo(ChronoUnit.MILLIS)));
    assertThat(sent.decision(packed, decision.declared()).why().origins().keySet())
        .as("in the order of the policy's fields")
        .containsExactlyElementsOf(PolicyOverride.FIELDS);
  }

  @Test
  void shouldReadAPersonsRetryWithoutADelayComputed() {
    RetryContext context =
        new RetryContext("exec-2", "deploy", 2, 2, List.of(), List.of(), "guidance", true);
    ExplainedDecision decision =
        new ExplainedDecision(
            "deploy",
            1,
            ExplainedDecision.RETRY,
            null,
            "retry requested by bob (forced)",
            NOW,
            NOW,
            null,
            new DecisionExplanation(
                "maxAttempts=3", 1, Map.of(), 1, 3, List.of(), null, null, List.of("asked")));

    byte[] packed = send("cmd-2", context, decision);

    assertThat(sent.context(packed)).isEqualTo(context);
    assertThat(sent.decision(packed, null)).isEqualTo(decision);
  }

  @Test
  void shouldSayWhenTheMessagesCannotBeReadBack() {
    byte[] packed =
        send(
            "cmd-3",
            new RetryContext("exec-3", "build", 2, 3, List.of(), List.of(), "guidance", false),
            new ExplainedDecision(
                "build", 1, ExplainedDecision.RETRY, null, "r", NOW, NOW, null, null));

    // a registry that does not know the schemas they were written with
    assertThatThrownBy(() -> new SentRetryMessages(new InMemorySchemaRegistry()).context(packed))
        .isInstanceOfSatisfying(
            SentRetries.UnreadableException.class,
            e -> assertThat(e.registryUnavailable()).isTrue())
        .hasMessageContaining("could not be read back through the schema registry");
    // a damaged value, or one that is not a retry's two messages
    assertThatThrownBy(() -> sent.context(new byte[] {9, 9, 9}))
        .isInstanceOfSatisfying(
            SentRetries.UnreadableException.class,
            e -> assertThat(e.registryUnavailable()).isFalse())
        .hasMessageContaining("damaged");
    assertThatThrownBy(() -> sent.context(PackedBytes.pack(List.of(new byte[] {0, 0, 0, 0, 1}))))
        .isInstanceOf(SentRetries.UnreadableException.class)
        .hasMessageContaining("1 parts where a retry's command and RetryScheduled are 2");
    byte[] swapped = PackedBytes.pack(List.of(PackedBytes.unpack(packed).get(1), new byte[0]));
    assertThatThrownBy(() -> sent.context(swapped))
        .isInstanceOf(SentRetries.UnreadableException.class)
        .hasMessageContaining("a DecisionEvent where a CommandEvent");
  }

  private static ExplainedDecision withDecidedAt(ExplainedDecision d, Instant decidedAt) {
    return new ExplainedDecision(
        d.phase(),
        d.attemptNumber(),
        d.outcome(),
        d.cause(),
        d.reason(),
        decidedAt,
        d.dueAt(),
        d.declared(),
        d.why());
  }

  /** The two values the relay publishes for a retry, packed as the coordinator keeps them. */
  private byte[] send(String commandId, RetryContext context, ExplainedDecision decision) {
    CommandEvent command =
        CommandEvent.newBuilder()
            .setEventId(commandId)
            .setExecutionId(context.executionId())
            .setOccurredAt(NOW)
            .setSource("redrive-coordinator")
            .setPayload(
                RetryCommand.newBuilder()
                    .setCommandId(commandId)
                    .setPipeline("demo")
                    .setPhase(context.phase())
                    .setAttemptNumber(context.currentAttempt())
                    .setMaxAttempts(context.maxAttempts())
                    .setNotBefore(decision.dueAt())
                    .setContext(AvroMapping.context(context))
                    .build())
            .build();
    DecisionEvent scheduled =
        DecisionEvent.newBuilder()
            .setEventId("evt-" + commandId)
            .setExecutionId(context.executionId())
            .setOccurredAt(decision.decidedAt())
            .setSource("redrive-coordinator")
            .setPayload(
                DecisionRecords.retryScheduled(
                    Clock.fixed(NOW, ZoneOffset.UTC),
                    commandId,
                    decision.phase(),
                    decision.attemptNumber() + 1,
                    context.maxAttempts(),
                    decision.dueAt(),
                    decision.reason(),
                    new RetryPolicy(
                        4,
                        Duration.ofSeconds(1),
                        2.0,
                        Duration.ofMinutes(5),
                        Jitter.FULL,
                        java.util.Set.of()),
                    null,
                    decision.why()))
            .build();
    return SentRetryMessages.pack(
        serializer.serialize("redrive.commands", command),
        serializer.serialize("redrive.decisions", scheduled));
  }
}
