package dev.redrive.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.ExecutionStarted;
import dev.redrive.avro.ProcessEvent;
import dev.redrive.avro.RetryRequested;
import dev.redrive.support.topic.RedriveTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Case 10: oversized and hostile inputs into every input topic and every REST endpoint while a
 * normal stream of failures flows. Every valid failure must still get exactly one command, none may
 * wait longer than 10 s, every hostile record must be dead-lettered by the coordinator with its
 * reason, and every hostile request answered with a 4xx (never a 5xx, never accepted).
 */
class HostileInputsIT extends FaultCase {

  static final double MAX_DELAY_SECONDS = 10;
  static final String TOKEN = "fault-case-token-" + UUID.randomUUID();

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /** One hostile HTTP request and the statuses that are a correct answer to it. */
  record Hostile(String name, HttpRequest request, List<Integer> expected) {}

  @Test
  void shouldAnswerOrDeadLetterEveryHostileInputWithoutHoldingUpTheStream() throws Exception {
    long start = System.nanoTime();
    String prefix = "hostile";
    Map<String, String> secured = Map.of("redrive.security.api-token", TOKEN);
    try (Stack stack = new Stack("10-hostile-inputs")) {
      Stack.CoordinatorAndAudit services = stack.startCoordinatorAndAudit(secured);
      // the runner only for its REST doors: its command listener stays stopped, since the stream's
      // commands name a pipeline it does not have
      ServiceProcess runner =
          stack.runner(
              Postgres.jdbcUrl(Postgres.port(), Postgres.createDatabase("runner")),
              Map.of(
                  "redrive.security.api-token",
                  TOKEN,
                  "redrive.runner.workspace-root",
                  stack.dir.resolve("workspaces").toString(),
                  "spring.kafka.listener.auto-startup",
                  "false"));
      runner.start();
      CommandLog log = services.log();
      FailureStream stream = services.stream();
      DeadLetters deadLetters = stack.track(new DeadLetters(stack));

      List<FailureStream.Outgoing> failures = failures(prefix);
      int rounds = Math.max(1, FAILURES / 200);
      List<FailureStream.Outgoing> plan = new ArrayList<>(failures);
      int step = failures.size() / rounds;
      for (int k = rounds - 1; k >= 0; k--) {
        plan.addAll(k * step + step / 2, hostileRecords(prefix + "-" + (k % EXECUTIONS), k));
      }
      List<Hostile> requests =
          hostileRequests(
              services.coordinator().port(), services.audit().port(), runner.port(), prefix);

      Map<String, List<Integer>> answers = new ConcurrentHashMap<>();
      AtomicInteger sentRequests = new AtomicInteger();
      AtomicBoolean streaming = new AtomicBoolean(true);
      Thread attacker =
          new Thread(
              () -> {
                while (streaming.get()) {
                  for (Hostile hostile : requests) {
                    answers
                        .computeIfAbsent(
                            hostile.name(), n -> Collections.synchronizedList(new ArrayList<>()))
                        .add(status(hostile.request()));
                    sentRequests.incrementAndGet();
                  }
                }
              },
              "hostile-requests");
      attacker.setDaemon(true);

      stream.startPaced(plan, RATE);
      attacker.start();
      stream.awaitSent();
      StreamCheck check = drainAndCheck(prefix, plan, services);
      streaming.set(false);
      attacker.join(60_000);

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

      Map<String, String> groups =
          Map.of(
              RedriveTopics.ATTEMPTS.name(), "coordinator-attempts",
              RedriveTopics.REQUESTS.name(), "coordinator-requests",
              RedriveTopics.PROCESS_EVENTS.name(), "coordinator-process-events");
      int perTopic = rounds * HOSTILE_RECORDS_PER_TOPIC;
      Map<String, List<DeadLetters.Letter>> letters = new TreeMap<>();
      try {
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  for (String topic : groups.keySet()) {
                    letters.put(topic, deadLetters.read(topic + ".DLT"));
                  }
                  return groups.entrySet().stream()
                      .allMatch(
                          g -> fromGroup(letters, g.getKey(), g.getValue()).size() >= perTopic);
                });
      } catch (ConditionTimeoutException e) {
        // the assertions below say which topic is short
      }

      StringBuilder notes = new StringBuilder();
      notes.append(
          String.format(
              Locale.ROOT,
              "%d hostile records per input topic, %d hostile requests (%d kinds) answered %s; ",
              perTopic,
              sentRequests.get(),
              requests.size(),
              statusSummary(answers)));
      for (String topic : groups.keySet()) {
        notes.append(
            String.format(
                Locale.ROOT,
                "%s.DLT from the coordinator: %d; ",
                topic,
                fromGroup(letters, topic, groups.get(topic)).size()));
      }
      notes.append(String.format(Locale.ROOT, "command delay max %.2f s", maxDelay));
      Figures.record(
          "10 hostile inputs",
          EXECUTIONS,
          stream.sent(),
          check,
          "n/a",
          (System.nanoTime() - start) / 1e9,
          notes.toString());

      for (Hostile hostile : requests) {
        assertThat(answers.get(hostile.name()))
            .as("answers to %s", hostile.name())
            .isNotEmpty()
            .allSatisfy(status -> assertThat(status).isIn(hostile.expected()));
      }
      for (String topic : groups.keySet()) {
        List<DeadLetters.Letter> fromCoordinator = fromGroup(letters, topic, groups.get(topic));
        assertThat(fromCoordinator).as("%s.DLT from the coordinator", topic).hasSize(perTopic);
        assertThat(fromCoordinator)
            .as("every dead letter says why")
            .allSatisfy(letter -> assertThat(letter.reason()).isNotBlank());
      }
      assertThat(maxDelay)
          .as("longest wait of a valid failure for its command (s)")
          .isLessThan(MAX_DELAY_SECONDS);
      assertClean(check);
    }
  }

  private static List<DeadLetters.Letter> fromGroup(
      Map<String, List<DeadLetters.Letter>> letters, String topic, String group) {
    return letters.getOrDefault(topic, List.of()).stream()
        .filter(l -> group.equals(l.group()))
        .toList();
  }

  private static String statusSummary(Map<String, List<Integer>> answers) {
    Map<Integer, Integer> counts = new TreeMap<>();
    answers
        .values()
        .forEach(
            list -> {
              synchronized (list) {
                list.forEach(status -> counts.merge(status, 1, Integer::sum));
              }
            });
    StringBuilder text = new StringBuilder();
    counts.forEach(
        (status, n) -> text.append(text.isEmpty() ? "" : " ").append(n).append("x").append(status));
    return text.toString();
  }

  private static int status(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      // a server may close the connection while a refused body is still being sent: that is an
      // answer too, but only for the oversized bodies (see hostileRequests)
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -2;
    }
  }

  static final int HOSTILE_RECORDS_PER_TOPIC = 3;

  /**
   * Three hostile records on each input topic of the coordinator: an id with a newline, an
   * oversized structural field (900 kB, under the broker's 1 MiB), and 900 kB that are not Avro.
   */
  private static List<FailureStream.Outgoing> hostileRecords(String key, int k) {
    String big = "x".repeat(900_000);
    byte[] bigGarbage = big.getBytes(StandardCharsets.UTF_8);
    AttemptEvent newlineId = FailureStream.failure(key, "hostile-" + k, 1);
    newlineId.setEventId("evt-" + k + "\nid: forged");
    AttemptEvent hugePhase = FailureStream.failure(key, "hostile-" + k, 1);
    ((AttemptFailed) hugePhase.getPayload()).setPhase(big);
    RetryRequested newlineExecution =
        RetryRequested.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setExecutionId(key + "\nforged")
            .setOccurredAt(Instant.now())
            .setSource("fault-injection")
            .setRequestId(UUID.randomUUID().toString())
            .setRequestedBy("fault-injection")
            .build();
    RetryRequested hugeRequester =
        RetryRequested.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setExecutionId(key)
            .setOccurredAt(Instant.now())
            .setSource("fault-injection")
            .setRequestId(UUID.randomUUID().toString())
            .setRequestedBy(big)
            .build();
    ProcessEvent newlineStarted =
        ProcessEvent.newBuilder()
            .setEventId("evt-" + k + "\r\ndata: forged")
            .setExecutionId(key)
            .setOccurredAt(Instant.now())
            .setSource("fault-injection")
            .setPipeline(FailureStream.PIPELINE)
            .setPayload(ExecutionStarted.newBuilder().setPhases(List.of("phase-0")).build())
            .build();
    ProcessEvent hugePhases =
        ProcessEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setExecutionId(key)
            .setOccurredAt(Instant.now())
            .setSource("fault-injection")
            .setPipeline(FailureStream.PIPELINE)
            .setPayload(ExecutionStarted.newBuilder().setPhases(List.of(big)).build())
            .build();
    String attempts = RedriveTopics.ATTEMPTS.name();
    String requests = RedriveTopics.REQUESTS.name();
    String process = RedriveTopics.PROCESS_EVENTS.name();
    return List.of(
        new FailureStream.Outgoing(attempts, key, newlineId, null),
        new FailureStream.Outgoing(attempts, key, hugePhase, null),
        new FailureStream.Outgoing(attempts, key, bigGarbage, null),
        new FailureStream.Outgoing(requests, key, newlineExecution, null),
        new FailureStream.Outgoing(requests, key, hugeRequester, null),
        new FailureStream.Outgoing(requests, key, bigGarbage, null),
        new FailureStream.Outgoing(process, key, newlineStarted, null),
        new FailureStream.Outgoing(process, key, hugePhases, null),
        new FailureStream.Outgoing(process, key, bigGarbage, null));
  }

  /** Hostile requests to every REST door of the three services. */
  private static List<Hostile> hostileRequests(
      int coordinator, int audit, int runner, String prefix) {
    String execution = prefix + "-1";
    String c = "http://127.0.0.1:" + coordinator + "/api/v1";
    String a = "http://127.0.0.1:" + audit + "/api/v1";
    String r = "http://127.0.0.1:" + runner + "/api/v1";
    String bigText = "y".repeat(1_200_000);
    String hugeBody = "{\"note\":\"" + "z".repeat(53_000_000) + "\"}";
    List<Integer> unauthorized = List.of(401);
    List<Integer> refused = List.of(400, 413);
    List<Integer> tooLarge = List.of(413, -1);
    return List.of(
        new Hostile(
            "coordinator retry without a token",
            post(c + "/executions/" + execution + "/retry", "{}", null),
            unauthorized),
        new Hostile(
            "coordinator retry with a lowercase wrong token",
            post(c + "/executions/" + execution + "/retry", "{}", "bearer nope"),
            unauthorized),
        new Hostile(
            "coordinator retry with a 1.2 MB note",
            post(
                c + "/executions/" + execution + "/retry",
                "{\"note\":\"" + bigText + "\",\"requestedBy\":\"faults\"}",
                TOKEN),
            refused),
        new Hostile(
            "coordinator retry of an id with a newline",
            post(c + "/executions/" + execution + "%0Aforged/retry", "{}", TOKEN),
            List.of(400, 404)),
        new Hostile(
            "coordinator bulk retry whose stagger overflows",
            post(
                c + "/retries",
                "{\"pipeline\":\"faults\",\"stagger\":\"P100000D\",\"limit\":1000,"
                    + "\"requestedBy\":\"faults\"}",
                TOKEN),
            List.of(400)),
        new Hostile("coordinator 53 MB body", post(c + "/retries", hugeBody, TOKEN), tooLarge),
        new Hostile(
            "coordinator execution path outside the ids",
            get(c + "/executions/..%2F..%2Fetc%2Fpasswd"),
            List.of(400, 404)),
        new Hostile(
            "audit timeline with limit=-1",
            get(a + "/executions/" + execution + "/events?limit=-1"),
            List.of(400)),
        new Hostile(
            "audit timeline with offset=-1",
            get(a + "/executions/" + execution + "/events?offset=-1"),
            List.of(400)),
        new Hostile(
            "runner start with a 1.2 MB parameter",
            post(
                r + "/executions",
                "{\"pipeline\":\"demo\",\"parameters\":{\"target\":\"" + bigText + "\"}}",
                TOKEN),
            refused),
        new Hostile(
            "runner resume without a token",
            post(r + "/executions/" + execution + "/resume", "{}", null),
            unauthorized),
        new Hostile(
            "runner cancel with a newline id",
            post(r + "/executions/x%0Aforged/cancel", "{}", TOKEN),
            List.of(400, 404)),
        new Hostile("runner 53 MB body", post(r + "/executions", hugeBody, TOKEN), tooLarge));
  }

  private static HttpRequest post(String url, String body, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      builder.header("Authorization", token.contains(" ") ? token : "Bearer " + token);
    }
    return builder.build();
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + TOKEN)
        .GET()
        .build();
  }
}
