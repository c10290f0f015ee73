package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {

  /** A random source the policy must not consult. */
  private static final RandomGenerator UNUSED_RANDOM =
      () -> {
        throw new AssertionError("the policy drew a random number where none was expected");
      };

  private static RetryPolicy exponential(
      int maxAttempts, long initialMillis, double multiplier, long maxMillis, Jitter jitter) {
    return new RetryPolicy(
        maxAttempts,
        Duration.ofMillis(initialMillis),
        multiplier,
        Duration.ofMillis(maxMillis),
        jitter,
        Set.of());
  }

  @Nested
  class DefaultPolicy {

    private final RetryPolicy policy = RetryPolicy.defaults();

    @Test
    void shouldAllowTwoAttemptsWithFullJitteredBackoffOfOneSecondDoublingUpToFiveMinutes() {
      // when
      RetryPolicy defaults = RetryPolicy.defaults();

      // then
      assertThat(defaults.maxAttempts()).isEqualTo(2);
      assertThat(defaults.initialInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(defaults.multiplier()).isEqualTo(2.0);
      assertThat(defaults.maxInterval()).isEqualTo(Duration.ofMinutes(5));
      assertThat(defaults.jitter()).isEqualTo(Jitter.FULL);
      assertThat(defaults.nonRetryable()).isEmpty();
    }

    @Test
    void shouldRetryTheFirstSoftFailureAsAttemptTwoWithinOneSecond() {
      // given
      Failure failure = Failures.soft(FailureType.COMMAND_FAILED);

      // when
      Decision decision = policy.decide("exec_1", 1, failure, new SplittableRandom(42));

      // then
      assertThat(decision).isInstanceOf(Decision.Retry.class);
      Decision.Retry retry = (Decision.Retry) decision;
      assertThat(retry.nextAttempt()).isEqualTo(2);
      assertThat(retry.delay()).isBetween(Duration.ZERO, Duration.ofSeconds(1));
      assertThat(retry.reason())
          .isEqualTo("SOFT failure COMMAND_FAILED: 1 failure counted, 2 attempts allowed");
    }

    @Test
    void shouldAskForInterventionAfterTheSecondFailureBecauseAttemptsAreExhausted() {
      // given
      Failure failure = Failures.soft(FailureType.COMMAND_FAILED);

      // when
      Decision decision = policy.decide("exec_1", 2, failure, UNUSED_RANDOM);

      // then
      assertThat(decision)
          .isEqualTo(
              new Decision.Intervene(
                  Decision.Cause.ATTEMPTS_EXHAUSTED,
                  "attempts exhausted: 2 failures counted, 2 attempts allowed",
                  RetryPolicy.recommendedAction("exec_1", failure)));
    }

    @Test
    void shouldKeepAskingForInterventionWhenMoreFailuresThanAttemptsAreCounted() {
      // given
      Failure failure = Failures.soft(FailureType.TIMEOUT);

      // when
      Decision decision = policy.decide("exec_1", 3, failure, UNUSED_RANDOM);

      // then
      assertThat(decision).isInstanceOf(Decision.Intervene.class);
      assertThat(((Decision.Intervene) decision).reason())
          .isEqualTo("attempts exhausted: 3 failures counted, 2 attempts allowed");
    }

    @ParameterizedTest
    @EnumSource(
        value = FailureType.class,
        mode = EnumSource.Mode.EXCLUDE,
        names = "UNAUTHORIZED_WRITE")
    void shouldRetryEverySoftFailureTypeExceptUnauthorizedWriteOnTheFirstFailure(FailureType type) {
      // given
      Failure failure = Failures.soft(type);

      // when
      Decision decision = policy.decide("exec_1", 1, failure, new SplittableRandom(7));

      // then
      assertThat(decision).isInstanceOf(Decision.Retry.class);
      assertThat(((Decision.Retry) decision).nextAttempt()).isEqualTo(2);
    }
  }

  @Nested
  class FailuresThatGoStraightToAPerson {

    private final RetryPolicy policy = exponential(5, 1_000, 2.0, 60_000, Jitter.FULL);

    @ParameterizedTest
    @EnumSource(
        value = FailureType.class,
        names = "UNAUTHORIZED_WRITE",
        mode = EnumSource.Mode.EXCLUDE) // has its own reason, hard or soft: see below
    void shouldNotRetryAHardFailureEvenOnTheFirstAttempt(FailureType type) {
      // given
      Failure failure = Failures.hard(type);

      // when
      Decision decision = policy.decide("exec_1", 1, failure, UNUSED_RANDOM);

      // then
      assertThat(decision)
          .isEqualTo(
              new Decision.Intervene(
                  Decision.Cause.HARD_FAILURE,
                  "HARD failure (%s): the reporter says a retry cannot help".formatted(type),
                  RetryPolicy.recommendedAction("exec_1", failure)));
    }

    @Test
    void shouldNotRetryAnUnauthorizedWriteEvenWhenTheReporterCallsItSoft() {
      // given
      Failure failure = Failures.soft(FailureType.UNAUTHORIZED_WRITE);

      // when
      Decision decision = policy.decide("exec_1", 1, failure, UNUSED_RANDOM);

      // then
      assertThat(decision)
          .isEqualTo(
              new Decision.Intervene(
                  Decision.Cause.UNAUTHORIZED_WRITE,
                  "UNAUTHORIZED_WRITE: the phase wrote outside its allowed paths; a person must"
                      + " review it",
                  RetryPolicy.recommendedAction("exec_1", failure)));
    }

    @Test
    void shouldNotRetryAFailureTypeTheConfiguredPolicyCallsNonRetryable() {
      // given
      RetryPolicy strict =
          new RetryPolicy(
              5,
              Duration.ofSeconds(1),
              2.0,
              Duration.ofMinutes(1),
              Jitter.NONE,
              Set.of(FailureType.TIMEOUT, FailureType.MISSING_OUTPUT));
      Failure failure = Failures.soft(FailureType.TIMEOUT);

      // when
      Decision decision = strict.decide("exec_1", 1, failure, UNUSED_RANDOM);

      // then
      assertThat(decision)
          .isEqualTo(
              new Decision.Intervene(
                  Decision.Cause.NOT_RETRYABLE,
                  "TIMEOUT is not retryable under this policy",
                  RetryPolicy.recommendedAction("exec_1", failure)));
    }

    @Test
    void shouldStillRetryTypesThatAreNotListedAsNonRetryable() {
      // given
      RetryPolicy strict =
          new RetryPolicy(
              5,
              Duration.ofSeconds(1),
              2.0,
              Duration.ofMinutes(1),
              Jitter.NONE,
              Set.of(FailureType.TIMEOUT));

      // when
      Decision decision =
          strict.decide("exec_1", 1, Failures.soft(FailureType.COMMAND_FAILED), UNUSED_RANDOM);

      // then
      assertThat(decision)
          .isEqualTo(
              new Decision.Retry(
                  2,
                  Duration.ofSeconds(1),
                  "SOFT failure COMMAND_FAILED: 1 failure counted, 5 attempts allowed"));
    }

    @Test
    void shouldNameHardnessBeforeExhaustionWhenAHardFailureIsAlsoTheLastAttempt() {
      // given
      Failure failure = Failures.hard(FailureType.COMMAND_FAILED);

      // when
      Decision decision = policy.decide("exec_1", 5, failure, UNUSED_RANDOM);

      // then
      assertThat(((Decision.Intervene) decision).reason()).startsWith("HARD failure");
    }
  }

  @Nested
  class AttemptBoundaries {

    @ParameterizedTest
    @EnumSource(
        value = FailureType.class,
        mode = EnumSource.Mode.EXCLUDE,
        names = "UNAUTHORIZED_WRITE")
    void shouldNeverRetryWhenMaxAttemptsIsOne(FailureType type) {
      // given
      RetryPolicy once = exponential(1, 1_000, 2.0, 60_000, Jitter.FULL);

      // when
      Decision decision = once.decide("exec_1", 1, Failures.soft(type), UNUSED_RANDOM);

      // then
      assertThat(decision).isInstanceOf(Decision.Intervene.class);
      assertThat(((Decision.Intervene) decision).reason())
          .isEqualTo("attempts exhausted: 1 failure counted, 1 attempt allowed");
    }

    @Test
    void shouldRetryUpToTheLastAllowedAttemptAndThenStop() {
      // given
      RetryPolicy five = exponential(5, 100, 2.0, 60_000, Jitter.NONE);
      Failure failure = Failures.soft(FailureType.EXIT_CRITERIA_NOT_MET);
      List<Decision> decisions = new ArrayList<>();

      // when
      for (int failed = 1; failed <= 5; failed++) {
        decisions.add(five.decide("exec_1", failed, failure, UNUSED_RANDOM));
      }

      // then
      assertThat(decisions)
          .containsExactly(
              new Decision.Retry(
                  2,
                  Duration.ofMillis(100),
                  "SOFT failure EXIT_CRITERIA_NOT_MET: 1 failure counted, 5 attempts allowed"),
              new Decision.Retry(
                  3,
                  Duration.ofMillis(200),
                  "SOFT failure EXIT_CRITERIA_NOT_MET: 2 failures counted, 5 attempts allowed"),
              new Decision.Retry(
                  4,
                  Duration.ofMillis(400),
                  "SOFT failure EXIT_CRITERIA_NOT_MET: 3 failures counted, 5 attempts allowed"),
              new Decision.Retry(
                  5,
                  Duration.ofMillis(800),
                  "SOFT failure EXIT_CRITERIA_NOT_MET: 4 failures counted, 5 attempts allowed"),
              new Decision.Intervene(
                  Decision.Cause.ATTEMPTS_EXHAUSTED,
                  "attempts exhausted: 5 failures counted, 5 attempts allowed",
                  RetryPolicy.recommendedAction("exec_1", failure)));
    }
  }

  @Nested
  class Backoff {

    @ParameterizedTest(name = "after {0} failures: {1} ms")
    @CsvSource({"1, 100", "2, 200", "3, 400", "4, 800", "5, 1600", "6, 3200", "7, 6400"})
    void shouldGrowExponentiallyWithTheMultiplier(int failedAttempts, long expectedMillis) {
      // given
      RetryPolicy policy = exponential(100, 100, 2.0, 10_000, Jitter.NONE);

      // when
      Duration delay = policy.backoff(failedAttempts, UNUSED_RANDOM);

      // then
      assertThat(delay).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @ParameterizedTest(name = "after {0} failures: {1} ms")
    @CsvSource({"1, 1000", "2, 1500", "3, 2250", "4, 3375"})
    void shouldApplyAFractionalMultiplier(int failedAttempts, long expectedMillis) {
      // given
      RetryPolicy policy = exponential(100, 1_000, 1.5, 60_000, Jitter.NONE);

      // when
      Duration delay = policy.backoff(failedAttempts, UNUSED_RANDOM);

      // then
      assertThat(delay).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10, 1_000})
    void shouldKeepTheIntervalConstantWhenTheMultiplierIsOne(int failedAttempts) {
      // given
      RetryPolicy fixed = exponential(100, 750, 1.0, 60_000, Jitter.NONE);

      // when
      Duration delay = fixed.backoff(failedAttempts, UNUSED_RANDOM);

      // then
      assertThat(delay).isEqualTo(Duration.ofMillis(750));
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 9, 20, 62, 63, 64})
    void shouldCapTheBackoffAtTheMaxInterval(int failedAttempts) {
      // given
      RetryPolicy policy = exponential(100, 100, 2.0, 10_000, Jitter.NONE);

      // when
      Duration delay = policy.backoff(failedAttempts, UNUSED_RANDOM);

      // then
      assertThat(delay).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldUseTheInitialIntervalWhenNoFailureIsCountedYet() {
      // given
      RetryPolicy policy = exponential(3, 250, 2.0, 10_000, Jitter.NONE);

      // when
      Duration delay = policy.backoff(0, UNUSED_RANDOM);

      // then
      assertThat(delay).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void shouldCapAtTheMaxIntervalWhenTheInitialIntervalIsAlreadyLarger() {
      // given
      RetryPolicy policy = exponential(3, 60_000, 2.0, 5_000, Jitter.NONE);

      // when
      Duration delay = policy.backoff(1, UNUSED_RANDOM);

      // then
      assertThat(delay).isEqualTo(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000, 10_000, 1_000_000, Integer.MAX_VALUE})
    void shouldGiveExactlyTheMaxIntervalInsteadOfOverflowingForHugeFailureCounts(
        int failedAttempts) {
      // given
      RetryPolicy policy = exponential(Integer.MAX_VALUE, 1_000, 10.0, 300_000, Jitter.NONE);

      // when
      Duration delay = policy.backoff(failedAttempts, UNUSED_RANDOM);

      // then
      assertThat(delay).isEqualTo(Duration.ofMinutes(5)).isPositive();
    }

    @Test
    void shouldDecideARetryAfterTheMaxIntervalForTheTenThousandthFailure() {
      // given
      RetryPolicy policy = exponential(Integer.MAX_VALUE, 1_000, 10.0, 300_000, Jitter.NONE);

      // when
      Decision decision =
          policy.decide("exec_1", 10_000, Failures.soft(FailureType.COMMAND_FAILED), UNUSED_RANDOM);

      // then
      assertThat(decision).isInstanceOf(Decision.Retry.class);
      Decision.Retry retry = (Decision.Retry) decision;
      assertThat(retry.nextAttempt()).isEqualTo(10_001);
      assertThat(retry.delay()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldReturnZeroWithoutDrawingWhenTheBackoffIsZero() {
      // given
      RetryPolicy immediate = exponential(3, 0, 2.0, 10_000, Jitter.FULL);

      // when
      Duration delay = immediate.backoff(2, UNUSED_RANDOM);

      // then
      assertThat(delay).isZero();
    }

    @Test
    void shouldNeverDrawWhenJitterIsNone() {
      // given
      RetryPolicy policy = exponential(3, 500, 2.0, 10_000, Jitter.NONE);

      // when
      Duration delay = policy.backoff(2, UNUSED_RANDOM);

      // then
      assertThat(delay).isEqualTo(Duration.ofMillis(1_000));
    }
  }

  @Nested
  class FullJitter {

    private static final int DRAWS = 10_000;

    @Test
    void shouldStayBetweenZeroAndTheComputedBackoffOverManyDraws() {
      // given a back-off of 100 ms * 2^(3-1) = 400 ms
      RetryPolicy policy = exponential(10, 100, 2.0, 10_000, Jitter.FULL);
      RandomGenerator random = new SplittableRandom(42);
      List<Long> delays = new ArrayList<>();

      // when
      for (int i = 0; i < DRAWS; i++) {
        delays.add(policy.backoff(3, random).toMillis());
      }

      // then
      assertThat(delays).allSatisfy(millis -> assertThat(millis).isBetween(0L, 400L));
      assertThat(delays.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(20);
      assertThat(delays.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(380);
      assertThat(new HashSet<>(delays)).hasSizeGreaterThan(300);
    }

    @Test
    void shouldStayBetweenZeroAndTheMaxIntervalWhenTheBackoffIsCapped() {
      // given
      RetryPolicy policy = exponential(Integer.MAX_VALUE, 1_000, 10.0, 300_000, Jitter.FULL);
      RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(42);
      List<Duration> delays = new ArrayList<>();

      // when
      for (int i = 0; i < DRAWS; i++) {
        delays.add(policy.backoff(10_000, random));
      }

      // then
      assertThat(delays)
          .allSatisfy(delay -> assertThat(delay).isBetween(Duration.ZERO, Duration.ofMinutes(5)));
    }

    @Test
    void shouldGiveTheSameDelaysForTheSameSeed() {
      // given
      RetryPolicy policy = RetryPolicy.defaults();
      RandomGenerator first = new SplittableRandom(2025);
      RandomGenerator second = new SplittableRandom(2025);

      // when
      List<Duration> firstDelays = new ArrayList<>();
      List<Duration> secondDelays = new ArrayList<>();
      for (int failed = 1; failed <= 50; failed++) {
        firstDelays.add(policy.backoff(failed, first));
        secondDelays.add(policy.backoff(failed, second));
      }

      // then
      assertThat(firstDelays).isEqualTo(secondDelays);
    }

    @Test
    void shouldGiveTheSameDecisionForTheSameSeed() {
      // given
      RetryPolicy policy = exponential(5, 10_000, 2.0, 300_000, Jitter.FULL);
      Failure failure = Failures.soft(FailureType.COMMAND_FAILED);

      // when
      Decision first = policy.decide("exec_1", 3, failure, new SplittableRandom(99));
      Decision second = policy.decide("exec_1", 3, failure, new SplittableRandom(99));

      // then
      assertThat(first).isEqualTo(second);
      assertThat(((Decision.Retry) first).delay()).isBetween(Duration.ZERO, Duration.ofSeconds(40));
    }

    @Test
    void shouldGiveDifferentDelaysForDifferentSeeds() {
      // given
      RetryPolicy policy = exponential(5, 10_000, 2.0, 300_000, Jitter.FULL);

      // when
      List<Duration> bySeed = new ArrayList<>();
      for (long seed = 1; seed <= 20; seed++) {
        bySeed.add(policy.backoff(3, new SplittableRandom(seed)));
      }

      // then
      assertThat(new HashSet<>(bySeed)).hasSizeGreaterThan(1);
    }
  }

  @Nested
  class RetryAfter {

    @Test
    void shouldUseTheReportersRetryAfterInsteadOfTheBackoff() {
      // given
      RetryPolicy policy = exponential(3, 1_000, 2.0, 60_000, Jitter.NONE);

      // when
      Decision decision =
          policy.decide("exec_1", 1, Failures.withRetryAfter(Duration.ofSeconds(7)), UNUSED_RANDOM);

      // then
      assertThat(((Decision.Retry) decision).delay()).isEqualTo(Duration.ofSeconds(7));
      assertThat(((Decision.Retry) decision).reason())
          .isEqualTo(
              "SOFT failure COMMAND_FAILED: 1 failure counted, 3 attempts allowed;"
                  + " delay set by the reporter (Retry-After 7000 ms)");
    }

    @Test
    void shouldNotJitterTheReportersRetryAfter() {
      // given
      RetryPolicy policy = exponential(3, 1_000, 2.0, 60_000, Jitter.FULL);

      // when
      Decision decision =
          policy.decide("exec_1", 1, Failures.withRetryAfter(Duration.ofSeconds(7)), UNUSED_RANDOM);

      // then
      assertThat(((Decision.Retry) decision).delay()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void shouldCapTheReportersRetryAfterAtTheMaxInterval() {
      // given
      RetryPolicy policy = exponential(3, 1_000, 2.0, 60_000, Jitter.NONE);

      // when
      Decision decision =
          policy.decide("exec_1", 1, Failures.withRetryAfter(Duration.ofHours(1)), UNUSED_RANDOM);

      // then
      assertThat(((Decision.Retry) decision).delay()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void shouldAcceptARetryAfterOfExactlyTheMaxInterval() {
      // given
      RetryPolicy policy = exponential(3, 1_000, 2.0, 60_000, Jitter.NONE);

      // when
      Decision decision =
          policy.decide("exec_1", 1, Failures.withRetryAfter(Duration.ofMinutes(1)), UNUSED_RANDOM);

      // then
      assertThat(((Decision.Retry) decision).delay()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void shouldRetryAtOnceWhenTheReporterAsksForZeroDelay() {
      // given
      RetryPolicy policy = exponential(3, 1_000, 2.0, 60_000, Jitter.FULL);

      // when
      Decision decision =
          policy.decide("exec_1", 1, Failures.withRetryAfter(Duration.ZERO), UNUSED_RANDOM);

      // then
      assertThat(((Decision.Retry) decision).delay()).isZero();
    }

    @Test
    void shouldIgnoreRetryAfterWhenAttemptsAreExhausted() {
      // given
      RetryPolicy policy = exponential(2, 1_000, 2.0, 60_000, Jitter.NONE);

      // when
      Decision decision =
          policy.decide("exec_1", 2, Failures.withRetryAfter(Duration.ofSeconds(1)), UNUSED_RANDOM);

      // then
      assertThat(decision).isInstanceOf(Decision.Intervene.class);
    }
  }

  @Nested
  class Validation {

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void shouldRejectFewerThanOneAttempt(int maxAttempts) {
      // when / then
      assertThatThrownBy(
              () ->
                  new RetryPolicy(
                      maxAttempts,
                      Duration.ofSeconds(1),
                      2.0,
                      Duration.ofMinutes(1),
                      Jitter.FULL,
                      Set.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxAttempts must be at least 1, was " + maxAttempts);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.99, 0.5, 0.0, -2.0})
    void shouldRejectAMultiplierBelowOne(double multiplier) {
      // when / then
      assertThatThrownBy(
              () ->
                  new RetryPolicy(
                      2,
                      Duration.ofSeconds(1),
                      multiplier,
                      Duration.ofMinutes(1),
                      Jitter.FULL,
                      Set.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("multiplier must be at least 1.0, was " + multiplier);
    }

    @Test
    void shouldRejectANegativeInitialInterval() {
      // when / then
      assertThatThrownBy(
              () ->
                  new RetryPolicy(
                      2, Duration.ofMillis(-1), 2.0, Duration.ofMinutes(1), Jitter.FULL, Set.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("initialInterval must not be negative, was PT-0.001S");
    }

    @Test
    void shouldRejectANegativeMaxInterval() {
      // when / then
      assertThatThrownBy(
              () ->
                  new RetryPolicy(
                      2, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(-5), Jitter.FULL, Set.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxInterval must not be negative, was PT-5S");
    }

    @Test
    void shouldAcceptTheSmallestValidPolicy() {
      // when
      RetryPolicy policy =
          new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, Jitter.NONE, Set.of());

      // then
      assertThat(policy.backoff(1, UNUSED_RANDOM)).isZero();
    }

    @Test
    void shouldKeepItsOwnCopyOfTheNonRetryableTypes() {
      // given
      Set<FailureType> types = EnumSet.of(FailureType.TIMEOUT);
      RetryPolicy policy =
          new RetryPolicy(2, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), Jitter.NONE, types);

      // when
      types.add(FailureType.COMMAND_FAILED);

      // then
      assertThat(policy.nonRetryable()).containsExactly(FailureType.TIMEOUT);
      assertThatThrownBy(() -> policy.nonRetryable().add(FailureType.OTHER))
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Nested
  class Description {

    @Test
    void shouldDescribeTheDefaultPolicyInWords() {
      // when
      String description = RetryPolicy.defaults().describe();

      // then
      assertThat(description)
          .startsWith("maxAttempts=2, backoff 1000ms x")
          .endsWith(" up to 300000ms, jitter FULL");
    }

    @Test
    void shouldNameTheNonRetryableTypes() {
      // given
      RetryPolicy policy =
          new RetryPolicy(
              3,
              Duration.ofSeconds(1),
              2.0,
              Duration.ofMinutes(1),
              Jitter.NONE,
              Set.of(FailureType.TIMEOUT));

      // when
      String description = policy.describe();

      // then
      assertThat(description).endsWith("jitter NONE, non-retryable [TIMEOUT]");
    }
  }

  @Test
  void shouldRetryAtOnceWhenAFailureAsksForANegativeDelay() {
    // given
    Failure failure = Failures.withRetryAfter(Duration.ofSeconds(-5));

    // when
    Decision decision = RetryPolicy.defaults().decide("exec_1", 1, failure, UNUSED_RANDOM);

    // then
    assertThat(decision).isInstanceOf(Decision.Retry.class);
    assertThat(((Decision.Retry) decision).delay()).isEqualTo(Duration.ZERO);
  }

  @Test
  void shouldRefuseANaNMultiplierAndIntervalsLongerThanAYear() {
    assertThatThrownBy(
            () ->
                new RetryPolicy(
                    2,
                    Duration.ofSeconds(1),
                    Double.NaN,
                    Duration.ofMinutes(1),
                    Jitter.FULL,
                    Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new RetryPolicy(
                    2, Duration.ofSeconds(1), 2.0, Duration.ofDays(366), Jitter.FULL, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("365 days");
  }

  @Test
  void shouldRecommendTheSharedActionForTheFailureNamingItsExecutionAndFailedChecks() {
    // given
    Failure failure =
        Failures.failure(
            1,
            FailureType.EXIT_CRITERIA_NOT_MET,
            false,
            "exit criteria not met",
            0,
            List.of(
                Failures.failedCheck("unit-tests", "2 failed"),
                Failures.passedCheck("lint"),
                Failures.failedCheck("coverage", "71% < 80%")),
            null);

    // when
    String action = RetryPolicy.recommendedAction("exec_9", failure);

    // then
    assertThat(action)
        .isEqualTo(
            dev.redrive.contract.RecommendedActions.forFailure(
                "EXIT_CRITERIA_NOT_MET",
                "exec_9",
                "build",
                List.of("unit-tests", "coverage"),
                0,
                null))
        .startsWith("1. Fix the failed checks: unit-tests, coverage\n")
        .contains("redrive retry exec_9");
  }
}
