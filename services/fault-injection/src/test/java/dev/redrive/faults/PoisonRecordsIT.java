package dev.redrive.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.ExecutionStarted;
import dev.redrive.avro.ProcessEvent;
import dev.redrive.avro.RetryRequested;
import dev.redrive.support.topic.RedriveTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Case 6: on each of the coordinator's input topics, 1% of records that do not decode and 1% that
 * decode but are not valid events. All of them must reach the dead-letter topic with a reason, and
 * no valid failure may wait more than a few seconds behind them.
 */
class PoisonRecordsIT extends FaultCase {

  /** Longest a valid failure may wait for its command in this case. */
  static final double MAX_DELAY_SECONDS = 10;

  @Test
  void shouldDeadLetterEveryPoisonRecordWithItsReasonWithoutHoldingUpTheStream()
      throws InterruptedException {
    long start = System.nanoTime();
    String prefix = "poison";
    try (Stack stack = new Stack("6-poison-records")) {
      Stack.CoordinatorAndAudit services = stack.startCoordinatorAndAudit(Map.of());
      CommandLog log = services.log();
      FailureStream stream = services.stream();
      DeadLetters deadLetters = stack.track(new DeadLetters(stack));
      List<FailureStream.Outgoing> failures = failures(prefix);
      int perKind = Math.max(1, FAILURES / 100);
      List<FailureStream.Outgoing> plan = new ArrayList<>(failures);
      int step = failures.size() / perKind;
      for (int k = perKind - 1; k >= 0; k--) {
        String key = prefix + "-" + (k % EXECUTIONS);
        plan.addAll(k * step + step / 2, poison(key, k));
      }

      stream.startPaced(plan, RATE);
      stream.awaitSent();
      StreamCheck check = drainAndCheck(prefix, plan, services);
      long checkedAt = System.nanoTime();
      List<Double> delays = new ArrayList<>();
      stream
          .firstSentNanos()
          .forEach(
              (key, sentAt) -> {
                Long seenAt = log.firstSeenNanos().get(key);
                if (seenAt != null) {
                  delays.add((seenAt - sentAt) / 1e9);
                }
              });
      delays.sort(Double::compare);
      double maxDelay = delays.isEmpty() ? Double.NaN : delays.get(delays.size() - 1);
      double p99 = delays.isEmpty() ? Double.NaN : delays.get((int) (delays.size() * 0.99));

      Map<String, String> groups =
          Map.of(
              RedriveTopics.ATTEMPTS.name(), "coordinator-attempts",
              RedriveTopics.REQUESTS.name(), "coordinator-requests",
              RedriveTopics.PROCESS_EVENTS.name(), "coordinator-process-events");
      StringBuilder notes = new StringBuilder();
      // each bad record is dead-lettered once, by the group that owns its topic (the
      // coordinator's); the audit reads them too and leaves them to it (DeadLetterOwners): wait,
      // within a bound, until the owners have sent what they should
      Map<String, List<DeadLetters.Letter>> letters = new java.util.TreeMap<>();
      try {
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  for (String topic : groups.keySet()) {
                    letters.put(topic, deadLetters.read(topic + ".DLT"));
                  }
                  return allDeadLettered(letters, groups, 2 * perKind);
                });
      } catch (ConditionTimeoutException e) {
        // the assertions below say which group is short
      }
      notes.append(
          String.format(
              Locale.ROOT,
              "dead letters complete %.1f s after the check; ",
              (System.nanoTime() - checkedAt) / 1e9));
      for (String topic : groups.keySet()) {
        notes.append(
            String.format(
                Locale.ROOT,
                "%s.DLT: %d from the coordinator, %d from the audit; ",
                topic,
                letters.get(topic).stream()
                    .filter(l -> groups.get(topic).equals(l.group()))
                    .count(),
                letters.get(topic).stream().filter(l -> "audit-events".equals(l.group())).count()));
      }
      notes.append(
          String.format(
              Locale.ROOT,
              "%d poison records per topic; command delay p99 %.2f s, max %.2f s",
              2 * perKind,
              p99,
              maxDelay));
      Figures.record(
          "6 poison records",
          EXECUTIONS,
          stream.sent(),
          check,
          "n/a",
          (System.nanoTime() - start) / 1e9,
          notes.toString());

      for (String topic : groups.keySet()) {
        List<DeadLetters.Letter> fromCoordinator =
            letters.get(topic).stream().filter(l -> groups.get(topic).equals(l.group())).toList();
        assertThat(fromCoordinator).as("%s.DLT from the coordinator", topic).hasSize(2 * perKind);
        assertThat(fromCoordinator)
            .as("every dead letter says why")
            .allSatisfy(letter -> assertThat(letter.reason()).isNotBlank());
        assertThat(
                letters.get(topic).stream().filter(l -> "audit-events".equals(l.group())).count())
            .as("%s.DLT from the audit, which does not own the topic", topic)
            .isZero();
      }
      assertThat(maxDelay)
          .as("longest wait of a valid failure for its command (s)")
          .isLessThan(MAX_DELAY_SECONDS);
      assertClean(check);
    }
  }

  private static boolean allDeadLettered(
      Map<String, List<DeadLetters.Letter>> letters, Map<String, String> groups, int expected) {
    return groups.entrySet().stream()
        .allMatch(
            topic ->
                letters.get(topic.getKey()).stream()
                        .filter(l -> topic.getValue().equals(l.group()))
                        .count()
                    >= expected);
  }

  /** Two poison records on each input topic of the coordinator, keyed like real events. */
  private static List<FailureStream.Outgoing> poison(String key, int k) {
    byte[] garbage = ("not an Avro record #" + k).getBytes(StandardCharsets.UTF_8);
    AttemptEvent noEventId = FailureStream.failure(key, "poison-" + k, 1);
    noEventId.setEventId("");
    RetryRequested noExecution =
        RetryRequested.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setExecutionId("")
            .setOccurredAt(Instant.now())
            .setSource("fault-injection")
            .setRequestId(UUID.randomUUID().toString())
            .setRequestedBy("fault-injection")
            .build();
    ProcessEvent noEventIdStarted =
        ProcessEvent.newBuilder()
            .setEventId("")
            .setExecutionId(key)
            .setOccurredAt(Instant.now())
            .setSource("fault-injection")
            .setPipeline(FailureStream.PIPELINE)
            .setPayload(ExecutionStarted.newBuilder().setPhases(List.of("phase-0")).build())
            .build();
    return List.of(
        new FailureStream.Outgoing(RedriveTopics.ATTEMPTS.name(), key, garbage, null),
        new FailureStream.Outgoing(RedriveTopics.ATTEMPTS.name(), key, noEventId, null),
        new FailureStream.Outgoing(RedriveTopics.REQUESTS.name(), key, garbage, null),
        new FailureStream.Outgoing(RedriveTopics.REQUESTS.name(), key, noExecution, null),
        new FailureStream.Outgoing(RedriveTopics.PROCESS_EVENTS.name(), key, garbage, null),
        new FailureStream.Outgoing(
            RedriveTopics.PROCESS_EVENTS.name(), key, noEventIdStarted, null));
  }
}
