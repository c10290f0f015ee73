package dev.redrive.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Case 8: a phase that fails for every execution, every time. The test plays a runner that answers
 * each retry command with another failure; the retry budget (20% of attempts, at least 10 retries)
 * must hold the retries down, and everything must still be counted and audited once.
 */
class RetryStormIT extends FaultCase {

  static final double RATIO = 0.2;
  static final int MIN_RETRIES = 10;
  static final int MAX_ATTEMPTS = 5;

  /**
   * Executions in the storm: with retries held to {@link #RATIO} of attempts, this many first
   * failures make about {@code FAILURES} failure events in all.
   */
  static final int STORM_EXECUTIONS = (int) Math.round(FAILURES * (1 - RATIO));

  @Test
  void shouldKeepRetriesWithinTheBudgetWhenAPhaseFailsEverywhere() throws InterruptedException {
    long start = System.nanoTime();
    String prefix = "storm";
    try (Stack stack = new Stack("8-retry-storm")) {
      Stack.CoordinatorAndAudit services =
          stack.startCoordinatorAndAudit(
              Map.of(
                  "redrive.coordinator.policy.max-attempts", String.valueOf(MAX_ATTEMPTS),
                  "redrive.coordinator.budget.ratio", String.valueOf(RATIO),
                  "redrive.coordinator.budget.window", "30m",
                  "redrive.coordinator.budget.min-retries", String.valueOf(MIN_RETRIES)));
      String coordinatorDb = services.coordinatorDb();
      String auditDb = services.auditDb();
      CommandLog log = services.log();
      FailureStream stream = services.stream();
      Set<String> failureEventIds = new HashSet<>();

      // every execution fails phase 'storm'; every retry command is answered by another failure
      for (int e = 0; e < STORM_EXECUTIONS; e++) {
        AttemptEvent failure = FailureStream.failure(prefix + "-" + e, "storm", 1);
        failureEventIds.add(failure.getEventId());
        stream.send(FailureStream.outgoing(failure));
      }
      stream.flush();
      int answered = 0;
      long quietSince = System.nanoTime();
      while (System.nanoTime() - quietSince < Duration.ofSeconds(8).toNanos()) {
        List<CommandLog.Seen> seen = log.seen();
        if (seen.size() > answered) {
          for (CommandLog.Seen command : seen.subList(answered, seen.size())) {
            AttemptEvent failure =
                FailureStream.failure(
                    command.executionId(), command.phase(), command.attemptNumber());
            failureEventIds.add(failure.getEventId());
            stream.send(FailureStream.outgoing(failure));
          }
          answered = seen.size();
          stream.flush();
          quietSince = System.nanoTime();
        }
        ServiceProcess.sleep(100);
      }
      int attempts = failureEventIds.size();
      Awaitility.await()
          .atMost(DRAIN_TIMEOUT)
          .until(
              () ->
                  StreamCheck.count(
                          coordinatorDb,
                          "SELECT count(*) FROM coordinator.attempt WHERE outcome = 'FAILED'"
                              + " AND execution_id LIKE ?",
                          prefix + "-%")
                      >= attempts);
      List<CommandLog.Seen> commands = log.seen();
      Map<String, Integer> perAttempt = new HashMap<>();
      Map<String, Integer> perExecution = new HashMap<>();
      for (CommandLog.Seen command : commands) {
        perAttempt.merge(command.executionId() + "/" + command.attemptNumber(), 1, Integer::sum);
        perExecution.merge(command.executionId(), 1, Integer::sum);
      }
      int duplicates = perAttempt.values().stream().mapToInt(n -> n - 1).filter(n -> n > 0).sum();
      long counted =
          StreamCheck.count(
              coordinatorDb,
              "SELECT count(*) FROM coordinator.attempt WHERE outcome = 'FAILED'"
                  + " AND execution_id LIKE ?",
              prefix + "-%");
      long counterSum =
          StreamCheck.count(
              coordinatorDb,
              "SELECT coalesce(sum(failed_attempts), 0) FROM coordinator.phase_failure_count"
                  + " WHERE execution_id LIKE ?",
              prefix + "-%");
      long paused =
          StreamCheck.count(
              coordinatorDb,
              "SELECT count(*) FROM coordinator.execution WHERE status = 'PAUSED'"
                  + " AND execution_id LIKE ?",
              prefix + "-%");
      Awaitility.await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> StreamCheck.auditEventIds(auditDb, prefix).containsAll(failureEventIds));
      Set<String> audited = StreamCheck.auditEventIds(auditDb, prefix);
      long auditMissing =
          failureEventIds.stream().filter(id -> !audited.contains(id)).count()
              + commands.stream().filter(c -> !audited.contains(c.eventId())).count();
      double budget = Math.max(MIN_RETRIES, RATIO * attempts);
      int retries = commands.size();

      StreamCheck check =
          new StreamCheck(
              attempts,
              retries,
              duplicates,
              0,
              0,
              (int) Math.abs(counted - attempts),
              (int) auditMissing,
              List.of());
      Figures.record(
          "8 retry storm",
          STORM_EXECUTIONS,
          stream.sent(),
          check,
          "n/a",
          (System.nanoTime() - start) / 1e9,
          String.format(
              Locale.ROOT,
              "%d executions fail every attempt; %d retries for %d attempts (budget %.0f = max(%d,"
                  + " %.0f%% of attempts)); %d of %d executions paused",
              STORM_EXECUTIONS,
              retries,
              attempts,
              budget,
              MIN_RETRIES,
              RATIO * 100,
              paused,
              STORM_EXECUTIONS),
          retries <= (int) budget
              && retries >= MIN_RETRIES
              && perExecution.values().stream().allMatch(n -> n <= MAX_ATTEMPTS - 1)
              && duplicates == 0
              && counted == attempts
              && counterSum == attempts
              && paused == STORM_EXECUTIONS
              && auditMissing == 0);

      assertThat(retries)
          .as("retries sent, against the budget %.0f", budget)
          .isLessThanOrEqualTo((int) budget);
      assertThat(retries)
          .as("the budget lets some retries through")
          .isGreaterThanOrEqualTo(MIN_RETRIES);
      assertThat(perExecution.values())
          .as("retries per execution (max attempts %d)", MAX_ATTEMPTS)
          .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(MAX_ATTEMPTS - 1));
      assertThat(duplicates).as("retry commands sent twice").isZero();
      assertThat(counted).as("failed attempts recorded").isEqualTo(attempts);
      assertThat(counterSum).as("failures counted against the policy").isEqualTo(attempts);
      assertThat(paused).as("executions paused for a person").isEqualTo(STORM_EXECUTIONS);
      assertThat(auditMissing).as("events missing from the audit").isZero();
    }
  }
}
