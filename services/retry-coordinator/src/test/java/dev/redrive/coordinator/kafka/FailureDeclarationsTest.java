package dev.redrive.coordinator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.DeclaredPolicy;
import dev.redrive.avro.LoopOutcome;
import dev.redrive.avro.Retryability;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.Jitter;
import dev.redrive.coordinator.domain.LoopState;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.support.kafka.InvalidEventException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FailureDeclarationsTest {

  private static final PolicyOverride EVERY_SETTING =
      new PolicyOverride(
          4,
          Duration.ofSeconds(2),
          3.0,
          Duration.ofMinutes(1),
          Jitter.NONE,
          Set.of(FailureType.TIMEOUT, FailureType.MISSING_OUTPUT),
          Duration.ofHours(1));

  private static final Map<String, String> EVERY_POLICY_ATTRIBUTE =
      Map.of(
          "redrive.policy.max-attempts", "4",
          "redrive.policy.initial-interval", "PT2S",
          "redrive.policy.multiplier", "3",
          "redrive.policy.max-interval", "PT1M",
          "redrive.policy.jitter", "none",
          "redrive.policy.non-retryable", "timeout, missing_output",
          "redrive.policy.deadline", "PT1H",
          "customer", "acme");

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final FailureDeclarations declarations = new FailureDeclarations(meters);
  private final Logger logger = (Logger) LoggerFactory.getLogger(FailureDeclarations.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(lines);
  }

  @Test
  void shouldReadEveryPolicyField() {
    AttemptFailed failed =
        failed(Map.of())
            .setDeclaredPolicy(
                DeclaredPolicy.newBuilder()
                    .setMaxAttempts(4)
                    .setInitialIntervalMs(2_000L)
                    .setMultiplier(3.0)
                    .setMaxIntervalMs(60_000L)
                    .setJitter(dev.redrive.avro.Jitter.NONE)
                    .setNonRetryable(
                        List.of(
                            dev.redrive.avro.FailureType.TIMEOUT,
                            dev.redrive.avro.FailureType.MISSING_OUTPUT))
                    .setDeadlineMs(3_600_000L)
                    .build())
            .build();

    FailureDeclarations.Declared declared = declarations.read(meta("redrive-runner"), failed);

    assertThat(declared.policy()).isEqualTo(EVERY_SETTING);
    assertThat(declared.loop()).isNull();
    assertThat(deprecatedCount("redrive.policy", "redrive-runner")).isZero();
  }

  @Test
  void shouldKeepTheConfiguredSettingsTheFieldLeavesOut() {
    AttemptFailed failed =
        failed(Map.of())
            .setDeclaredPolicy(DeclaredPolicy.newBuilder().setMaxAttempts(1).build())
            .build();

    assertThat(declarations.read(meta("redrive-runner"), failed).policy())
        .isEqualTo(new PolicyOverride(1, null, null, null, null, null, null));
  }

  @Test
  void shouldChangeNothingWhenTheFailureDeclaresNothing() {
    FailureDeclarations.Declared declared =
        declarations.read(meta("billing"), failed(Map.of("customer", "acme")).build());

    assertThat(declared.policy()).isEqualTo(PolicyOverride.NONE);
    assertThat(declared.loop()).isNull();
    assertThat(meters.find(FailureDeclarations.DEPRECATED_METER).counters()).isEmpty();
    assertThat(lines.list).isEmpty();
  }

  @Test
  void shouldReadTheLoopField() {
    AttemptFailed failed =
        failed(Map.of()).setLoop(new LoopOutcome("develop", 1, 3, false)).build();

    assertThat(declarations.read(meta("redrive-runner"), failed).loop())
        .isEqualTo(new LoopState("develop", false));
  }

  @Test
  void shouldStillReadTheDeprecatedPolicyAttributesCountingAndWarningOncePerSource() {
    EventMeta billing = meta("billing");

    FailureDeclarations.Declared first =
        declarations.read(billing, failed(EVERY_POLICY_ATTRIBUTE).build());
    declarations.read(billing, failed(EVERY_POLICY_ATTRIBUTE).build());
    declarations.read(meta("ledger"), failed(EVERY_POLICY_ATTRIBUTE).build());

    assertThat(first.policy()).isEqualTo(EVERY_SETTING);
    assertThat(deprecatedCount("redrive.policy", "billing")).isEqualTo(2);
    assertThat(deprecatedCount("redrive.policy", "ledger")).isEqualTo(1);
    assertThat(lines.list)
        .hasSize(2)
        .allSatisfy(
            line -> {
              assertThat(line.getLevel()).isEqualTo(Level.WARN);
              assertThat(line.getFormattedMessage())
                  .contains("redrive.policy.*", "AttemptFailed.declaredPolicy");
            });
    assertThat(lines.list.get(0).getFormattedMessage()).contains("source billing");
    assertThat(lines.list.get(1).getFormattedMessage()).contains("source ledger");
  }

  @Test
  void shouldStillReadTheDeprecatedLoopAttributesAsBefore() {
    EventMeta runner = meta("old-runner");

    LoopState handled =
        declarations.read(runner, failed(Map.of("redrive.loop.target", "develop")).build()).loop();
    LoopState exhausted =
        declarations
            .read(
                runner,
                failed(
                        Map.of(
                            "redrive.loop.target", "develop",
                            "redrive.loop.iterations", "3",
                            "redrive.loop.max-iterations", "3",
                            "redrive.loop.exhausted", "true"))
                    .build())
            .loop();
    LoopState withoutTarget =
        declarations.read(runner, failed(Map.of("redrive.loop.exhausted", "true")).build()).loop();

    assertThat(handled).isEqualTo(new LoopState("develop", false));
    assertThat(exhausted).isEqualTo(new LoopState("develop", true));
    assertThat(withoutTarget).as("no target, no loop, as the attributes were always read").isNull();
    assertThat(deprecatedCount("redrive.loop", "old-runner")).isEqualTo(3);
    assertThat(lines.list)
        .singleElement()
        .satisfies(
            line ->
                assertThat(line.getFormattedMessage())
                    .contains("redrive.loop.*", "AttemptFailed.loop"));
  }

  @Test
  void shouldLetTheFieldWinOverAttributesThatSayOtherwise() {
    AttemptFailed failed =
        failed(
                Map.of(
                    "redrive.policy.max-attempts", "9",
                    "redrive.policy.deadline", "not even a duration",
                    "redrive.loop.target", "elsewhere"))
            .setDeclaredPolicy(DeclaredPolicy.newBuilder().setMaxAttempts(2).build())
            .setLoop(new LoopOutcome("develop", 2, 3, true))
            .build();

    FailureDeclarations.Declared declared = declarations.read(meta("transitional"), failed);

    assertThat(declared.policy())
        .isEqualTo(new PolicyOverride(2, null, null, null, null, null, null));
    assertThat(declared.loop()).isEqualTo(new LoopState("develop", true));
    assertThat(meters.find(FailureDeclarations.DEPRECATED_METER).counters()).isEmpty();
  }

  @Test
  void shouldNameTheFieldThatIsNotAValidPolicy() {
    assertInvalid(DeclaredPolicy.newBuilder().setMaxAttempts(0), "declaredPolicy.maxAttempts");
    assertInvalid(
        DeclaredPolicy.newBuilder().setInitialIntervalMs(-1L), "declaredPolicy.initialIntervalMs");
    assertInvalid(DeclaredPolicy.newBuilder().setMultiplier(0.5), "declaredPolicy.multiplier");
    assertInvalid(
        DeclaredPolicy.newBuilder().setMaxIntervalMs(Duration.ofDays(400).toMillis()),
        "declaredPolicy.maxIntervalMs");
    assertInvalid(DeclaredPolicy.newBuilder().setDeadlineMs(0L), "declaredPolicy.deadlineMs");
  }

  @Test
  void shouldRefuseALoopWithoutATarget() {
    AttemptFailed failed = failed(Map.of()).setLoop(new LoopOutcome(" ", 1, 3, false)).build();

    assertThatThrownBy(() -> declarations.read(meta("redrive-runner"), failed))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("loop.target");
  }

  @Test
  void shouldNameTheDeprecatedAttributeThatDoesNotParseOrIsNotAValidPolicy() {
    assertThatThrownBy(
            () ->
                declarations.read(
                    meta("billing"), failed(Map.of("redrive.policy.deadline", "an hour")).build()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("redrive.policy.deadline")
        .hasMessageContaining("an hour");
    assertThatThrownBy(
            () ->
                declarations.read(
                    meta("billing"), failed(Map.of("redrive.policy.max-attempts", "0")).build()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("redrive.policy.max-attempts is not a valid policy");
  }

  private void assertInvalid(DeclaredPolicy.Builder policy, String field) {
    AttemptFailed failed = failed(Map.of()).setDeclaredPolicy(policy.build()).build();

    assertThatThrownBy(() -> declarations.read(meta("redrive-runner"), failed))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith(field + " is not a valid policy");
  }

  private double deprecatedCount(String attribute, String source) {
    Counter counter =
        meters
            .find(FailureDeclarations.DEPRECATED_METER)
            .tag("attribute", attribute)
            .tag("source", source)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static EventMeta meta(String source) {
    return new EventMeta("evt-1", "exec-1", "payments", source, Instant.now(), null);
  }

  private static AttemptFailed.Builder failed(Map<String, String> attributes) {
    return AttemptFailed.newBuilder()
        .setAttemptId("att-1")
        .setPhase("review")
        .setAttemptNumber(1)
        .setFailureType(dev.redrive.avro.FailureType.EXIT_CRITERIA_NOT_MET)
        .setRetryable(Retryability.SOFT)
        .setErrorType("check failed")
        .setErrorMessage("approved: no")
        .setAttributes(attributes);
  }
}
