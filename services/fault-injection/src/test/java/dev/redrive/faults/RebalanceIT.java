package dev.redrive.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Case 2: two coordinators in one consumer group on one database; one of them is stopped and
 * started again every few seconds while the stream flows, so the group rebalances again and again.
 */
class RebalanceIT extends FaultCase {

  static final int MIN_STREAM_SECONDS =
      Integer.getInteger("faults.rebalance.min-stream-seconds", 60);

  @Test
  void shouldLoseAndDuplicateNothingWhileTheGroupRebalances() throws InterruptedException {
    long start = System.nanoTime();
    String prefix = "rebalance";
    try (Stack stack = new Stack("2-rebalance")) {
      String coordinatorDb = Postgres.createDatabase("coordinator");
      String auditDb = Postgres.createDatabase("audit");
      String url = Postgres.jdbcUrl(Postgres.port(), coordinatorDb);
      ServiceProcess steady = stack.coordinator("coordinator-a", url, Map.of());
      ServiceProcess bouncing = stack.coordinator("coordinator-b", url, Map.of());
      ServiceProcess audit = stack.audit(Postgres.jdbcUrl(Postgres.port(), auditDb));
      Stack.startAll(steady, bouncing, audit);
      CommandLog log = stack.commands();
      FailureStream stream = stack.stream();
      List<FailureStream.Outgoing> plan = failures(prefix);

      // the stream lasts at least MIN_STREAM_SECONDS (40 in CI, 60 at full size), and its last
      // tenth is held back until two stop/start cycles are over: a start took 38 s once on a CI
      // machine running two fault cases at a time, and the stream had ended during the second cycle
      stream.startPaced(
          plan, Math.min(RATE, FAILURES / (double) MIN_STREAM_SECONDS), plan.size() / 10);
      List<Double> cycles = new ArrayList<>();
      int cyclesDuringTheStream = 0;
      while (stream.sent() < plan.size() || log.answered() < FAILURES / 2) {
        ServiceProcess.sleep(3000);
        boolean streaming = stream.sent() < plan.size();
        long cycle = System.nanoTime();
        bouncing.stop();
        ServiceProcess.sleep(2000);
        bouncing.start();
        cycles.add((System.nanoTime() - cycle) / 1e9);
        if (streaming && ++cyclesDuringTheStream == 2) {
          stream.release();
        }
      }
      stream.awaitSent();
      StreamCheck check =
          StreamCheck.drainAndCheck(
              prefix, keys(plan), eventIds(plan), log, coordinatorDb, auditDb, DRAIN_TIMEOUT);

      Figures.record(
          "2 rebalances",
          EXECUTIONS,
          stream.sent(),
          check,
          "no stall (" + cycles.size() + " stop/start cycles)",
          (System.nanoTime() - start) / 1e9,
          "2 coordinators, one stopped (SIGTERM) and restarted "
              + cycles.size()
              + " times, "
              + (2 * cycles.size())
              + " rebalances");
      assertThat(cyclesDuringTheStream)
          .as("stop/start cycles begun while the stream was sent (each took %s s)", cycles)
          .isGreaterThanOrEqualTo(2);
      assertClean(check);
    }
  }
}
