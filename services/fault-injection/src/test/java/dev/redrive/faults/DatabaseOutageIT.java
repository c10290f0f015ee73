package dev.redrive.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Case 4: the coordinator's PostgreSQL refuses connections (and every open one is cut) for 15 s
 * (CI) or 30 s (-Pfaults-full) in the middle of the stream, then comes back.
 */
class DatabaseOutageIT extends FaultCase {

  static final long OUTAGE_MILLIS = Long.getLong("faults.db-outage-ms", 30_000);

  @Test
  void shouldLoseNothingAndDrainTheBacklogWhenPostgresIsAway() throws InterruptedException {
    long start = System.nanoTime();
    String prefix = "pgdown";
    try (Stack stack = new Stack("4-postgres-outage")) {
      TcpProxy proxy = stack.track(new TcpProxy("127.0.0.1", Postgres.port()));
      Stack.CoordinatorAndAudit services =
          stack.startCoordinatorAndAudit(
              proxy.port(),
              Map.of(
                  "spring.datasource.hikari.connection-timeout", "2000",
                  "spring.datasource.hikari.validation-timeout", "1000"));
      CommandLog log = services.log();
      FailureStream stream = services.stream();
      List<FailureStream.Outgoing> plan = failures(prefix);
      DeadLetters deadLetters = stack.track(new DeadLetters(stack));

      stream.startPaced(plan, Math.min(RATE, FAILURES / 20.0));
      long[] backAt = new long[1];
      double recovery =
          faultAt(
              0.3,
              plan,
              stream,
              log,
              () -> {
                proxy.cut();
                ServiceProcess.sleep(OUTAGE_MILLIS);
                proxy.restore();
                backAt[0] = System.nanoTime();
              });
      double drainAfterBack = (System.nanoTime() - backAt[0]) / 1e9;
      stream.awaitSent();
      StreamCheck check = drainAndCheck(prefix, plan, services);
      long deadLettered = deadLetters.count("redrive.attempts.DLT", "coordinator-attempts");

      Figures.record(
          "4 PostgreSQL away " + OUTAGE_MILLIS / 1000 + " s",
          EXECUTIONS,
          stream.sent(),
          check,
          String.format(
              java.util.Locale.ROOT,
              "%.1f s after it came back (%.1f s from the cut)",
              drainAfterBack,
              recovery),
          (System.nanoTime() - start) / 1e9,
          "connections cut and refused for "
              + OUTAGE_MILLIS / 1000
              + " s at 30% of commands; "
              + deadLettered
              + " failures dead-lettered by the coordinator");
      assertThat(deadLettered)
          .as("failures the coordinator dead-lettered during the outage")
          .isZero();
      assertClean(check);
    }
  }
}
