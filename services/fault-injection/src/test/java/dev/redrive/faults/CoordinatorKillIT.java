package dev.redrive.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Case 1: the coordinator is killed (SIGKILL) three times while the stream flows. */
class CoordinatorKillIT extends FaultCase {

  @Test
  void shouldCountEveryFailureOnceAndSendEveryRetryOnceWhenTheCoordinatorIsKilledThreeTimes() {
    long start = System.nanoTime();
    String prefix = "kill";
    try (Stack stack = new Stack("1-coordinator-kill")) {
      Stack.CoordinatorAndAudit services = stack.startCoordinatorAndAudit(Map.of());
      CommandLog log = services.log();
      FailureStream stream = services.stream();
      List<FailureStream.Outgoing> plan = failures(prefix);

      stream.startPaced(plan, RATE);
      List<Double> recoveries = new ArrayList<>();
      for (double at : new double[] {0.2, 0.5, 0.8}) {
        recoveries.add(
            faultAt(
                at,
                plan,
                stream,
                log,
                () -> {
                  services.coordinator().kill();
                  services.coordinator().start();
                }));
      }
      stream.awaitSent();
      StreamCheck check = drainAndCheck(prefix, plan, services);

      Figures.record(
          "1 coordinator killed x3",
          EXECUTIONS,
          stream.sent(),
          check,
          seconds(recoveries),
          (System.nanoTime() - start) / 1e9,
          "SIGKILL at 20/50/80% of commands, restarted at once");
      assertClean(check);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
