package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryDeadlineTest {

  private final RetryPolicy policy =
      new RetryPolicy(
          5,
          Duration.ofSeconds(10),
          2.0,
          Duration.ofMinutes(5),
          Jitter.NONE,
          Set.of(),
          Duration.ofSeconds(30));

  @Test
  void shouldRetryWhileTheRetryCanStartBeforeTheDeadline() {
    Failure failure = Failures.soft(FailureType.COMMAND_FAILED);

    Decision decision =
        policy.decide("exec_1", 1, failure.occurredAt(), failure, new SplittableRandom(1));

    assertThat(decision).isInstanceOf(Decision.Retry.class);
  }

  @Test
  void shouldStopWhenTheNextRetryWouldStartAfterTheDeadline() {
    Failure failure = Failures.soft(FailureType.COMMAND_FAILED);
    Instant firstFailure = failure.occurredAt().minusSeconds(25);

    Decision decision = policy.decide("exec_1", 2, firstFailure, failure, new SplittableRandom(1));

    assertThat(decision).isInstanceOf(Decision.Intervene.class);
    assertThat(((Decision.Intervene) decision).reason()).startsWith("retry deadline passed");
  }

  @Test
  void shouldDescribeTheDeadlineWithThePolicy() {
    assertThat(policy.describe()).endsWith(", deadline PT30S");
  }
}
