package dev.redrive.faults;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Case 3: the Kafka broker is killed and started again (same port, same data) mid-stream. */
class BrokerRestartIT extends FaultCase {

  @Test
  void shouldLoseAndDuplicateNothingWhenTheBrokerRestartsMidStream() throws InterruptedException {
    long start = System.nanoTime();
    String prefix = "broker";
    try (Stack stack = new Stack("3-broker-restart")) {
      Stack.CoordinatorAndAudit services = stack.startCoordinatorAndAudit(Map.of());
      CommandLog log = services.log();
      FailureStream stream = services.stream();
      List<FailureStream.Outgoing> plan = failures(prefix);

      stream.startPaced(plan, RATE);
      double recovery = faultAt(0.5, plan, stream, log, stack.broker::killAndRestart);
      stream.awaitSent();
      StreamCheck check = drainAndCheck(prefix, plan, services);

      Figures.record(
          "3 broker restarted",
          EXECUTIONS,
          stream.sent(),
          check,
          seconds(List.of(recovery)),
          (System.nanoTime() - start) / 1e9,
          "broker SIGKILL at 50% of commands, restarted on the same port and log dir");
      assertClean(check);
    }
  }
}
