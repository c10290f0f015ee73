package dev.redrive.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Case 5: one failure event in ten is published twice (same event id), some time apart. */
class DuplicateDeliveryIT extends FaultCase {

  @Test
  void shouldCountAndRetryADuplicatedFailureOnlyOnce() throws InterruptedException {
    long start = System.nanoTime();
    String prefix = "dup";
    try (Stack stack = new Stack("5-duplicate-delivery")) {
      Stack.CoordinatorAndAudit services = stack.startCoordinatorAndAudit(Map.of());
      CommandLog log = services.log();
      FailureStream stream = services.stream();
      List<FailureStream.Outgoing> failures = failures(prefix);
      // every tenth failure again, 37 records later (or at the end): a redelivery, not a twin
      List<FailureStream.Outgoing> plan = new ArrayList<>(failures);
      int duplicates = 0;
      for (int i = failures.size() - 1; i >= 0; i--) {
        if (i % 10 == 0) {
          FailureStream.Outgoing original = failures.get(i);
          FailureStream.Outgoing copy =
              new FailureStream.Outgoing(
                  original.topic(), original.key(), original.value(), original.failureKey());
          plan.add(Math.min(plan.size(), i + 1 + 37), copy);
          duplicates++;
        }
      }

      stream.startPaced(plan, RATE);
      stream.awaitSent();
      StreamCheck check = drainAndCheck(prefix, plan, services);

      Figures.record(
          "5 duplicate delivery",
          EXECUTIONS,
          stream.sent(),
          check,
          "n/a",
          (System.nanoTime() - start) / 1e9,
          duplicates + " failure events published twice");
      assertClean(check);
    }
  }
}
