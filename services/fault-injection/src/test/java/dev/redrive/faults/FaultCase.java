package dev.redrive.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Sizes and steps the fault cases share. The stream size comes from system properties: CI runs the
 * defaults of the module's pom, {@code -Pfaults-full} the 10,000 failures over 1,000
 * executions.
 */
abstract class FaultCase {

  static final int FAILURES = Integer.getInteger("faults.failures", 2000);
  static final int EXECUTIONS = Integer.getInteger("faults.executions", 200);
  static final double RATE = Double.parseDouble(System.getProperty("faults.rate", "400"));
  static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);

  /** {@link #FAILURES} first failures of distinct phases, spread over {@link #EXECUTIONS}. */
  static List<FailureStream.Outgoing> failures(String prefix) {
    List<FailureStream.Outgoing> plan = new ArrayList<>(FAILURES);
    for (int i = 0; i < FAILURES; i++) {
      plan.add(FailureStream.outgoing(FailureStream.failure(prefix, i, EXECUTIONS)));
    }
    return plan;
  }

  /** Keys of the distinct failures in the plan, in the order they are first sent. */
  static List<String> keys(List<FailureStream.Outgoing> plan) {
    List<String> keys = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (FailureStream.Outgoing record : plan) {
      if (record.failureKey() != null && seen.add(record.failureKey())) {
        keys.add(record.failureKey());
      }
    }
    return keys;
  }

  static Set<String> eventIds(List<FailureStream.Outgoing> plan) {
    Set<String> ids = new HashSet<>();
    for (FailureStream.Outgoing record : plan) {
      if (record.failureKey() != null && record.value() instanceof AttemptEvent event) {
        ids.add(event.getEventId());
      }
    }
    return ids;
  }

  /**
   * Waits until {@code fraction} of the failures have their command, injects the fault, and returns
   * the seconds from the fault until every failure sent before it has its command (the time to
   * recover: it includes restarting whatever the fault stopped).
   */
  static double faultAt(
      double fraction,
      List<FailureStream.Outgoing> plan,
      FailureStream stream,
      CommandLog log,
      Runnable fault) {
    await()
        .atMost(DRAIN_TIMEOUT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> log.answered() >= fraction * FAILURES);
    List<String> sentBefore = keys(plan.subList(0, Math.min(stream.sent(), plan.size())));
    long start = System.nanoTime();
    fault.run();
    try {
      await()
          .atMost(DRAIN_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> sentBefore.stream().allMatch(log::answered));
    } catch (ConditionTimeoutException e) {
      return Double.NaN; // never recovered: the checks at the end say what is missing
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * {@link StreamCheck#drainAndCheck} of every failure in {@code plan} against the command log and
   * the databases of {@code services}.
   */
  static StreamCheck drainAndCheck(
      String prefix, List<FailureStream.Outgoing> plan, Stack.CoordinatorAndAudit services) {
    return StreamCheck.drainAndCheck(
        prefix,
        keys(plan),
        eventIds(plan),
        services.log(),
        services.coordinatorDb(),
        services.auditDb(),
        DRAIN_TIMEOUT);
  }

  static String seconds(List<Double> values) {
    return String.join(
        ", ",
        values.stream()
            .map(v -> v.isNaN() ? "not recovered" : String.format(Locale.ROOT, "%.1f s", v))
            .toList());
  }

  static void assertClean(StreamCheck check) {
    assertThat(check.failures()).as("failures in the stream").isGreaterThan(0);
    assertThat(check.duplicates()).as("duplicate commands: %s", check).isZero();
    assertThat(check.lost()).as("lost failures: %s", check).isZero();
    assertThat(check.outOfOrder()).as("commands out of order: %s", check).isZero();
    assertThat(check.countedWrong()).as("failures not counted exactly once: %s", check).isZero();
    assertThat(check.auditMissing()).as("audit trail gaps: %s", check).isZero();
    assertThat(check.commands()).as("commands read").isEqualTo(check.failures());
  }
}
