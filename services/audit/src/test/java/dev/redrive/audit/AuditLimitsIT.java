package dev.redrive.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.audit.EventStreamIT.Stream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The audit's bounds on real Kafka and PostgreSQL: page parameters, event streams in all and per
 * address, idle streams, a stored event that SSE cannot carry, and request bodies.
 */
class AuditLimitsIT {

  private static RunningAudit audit;

  @BeforeAll
  static void start() {
    audit =
        RunningAudit.start(
            "limits",
            "--redrive.audit.stream-catch-up-interval=200ms",
            "--redrive.audit.max-page-size=50",
            "--redrive.audit.default-page-size=20",
            "--redrive.audit.stream-max-clients=3",
            "--redrive.audit.stream-max-clients-per-address=2",
            "--redrive.audit.stream-idle-timeout=6s",
            "--redrive.http.max-request-bytes=1KB",
            // behind a proxy the client address comes from X-Forwarded-For (loopback is trusted)
            "--server.forward-headers-strategy=native");
  }

  @AfterAll
  static void stop() {
    audit.close();
  }

  @Test
  void badPageParametersAre400NamingTheParameterAndItsRange() {
    for (String query :
        List.of("limit=0", "limit=-1", "limit=51", "limit=99999999999", "limit=ten", "limit=")) {
      HttpResponse<String> response = audit.get("/api/v1/executions/x/events?" + query);
      assertThat(response.statusCode()).as(query).isEqualTo(400);
      JsonNode problem = RunningAudit.JSON.readTree(response.body());
      assertThat(problem.path("field").asString()).as(query).isEqualTo("limit");
      assertThat(problem.path("detail").asString())
          .as(query)
          .contains("must be a whole number from 1 to 50");
    }
    HttpResponse<String> offset = audit.get("/api/v1/events?offset=-1");
    assertThat(offset.statusCode()).isEqualTo(400);
    assertThat(offset.body()).contains("\"field\":\"offset\"", "0 or more");
    HttpResponse<String> from = audit.get("/api/v1/events?from=yesterday");
    assertThat(from.statusCode()).isEqualTo(400);
    assertThat(from.body()).contains("\"field\":\"from\"", "ISO-8601");
    assertThat(audit.get("/api/v1/events?limit=50").statusCode()).isEqualTo(200);
  }

  @Test
  void aStoredEventWithALineBreakInItsIdIsSkippedAndTheStreamGoesOn() {
    // given an execution whose stored events include one with a newline in its id, written to
    // the database directly (as if intake had let it through)
    String executionId = "broken-" + UUID.randomUUID();
    double skippedBefore = audit.count("redrive.audit.stream.skipped");
    insert(executionId, "bad\nid: forged-" + UUID.randomUUID(), "ExecutionCancelled", 1);
    String good = UUID.randomUUID().toString();
    insert(executionId, good, "ExecutionCancelled", 2);

    // when a client follows it
    try (Stream stream = Stream.open(audit, executionId)) {
      // then the good event arrives, the bad one is never written, and live events still follow
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events().size() == 1);
      assertThat(stream.events().get(0).id()).isEqualTo(good);
      String later = UUID.randomUUID().toString();
      insert(executionId, later, "ExecutionCancelled", 3);
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events().size() == 2);
      assertThat(stream.events()).extracting(e -> e.id()).containsExactly(good, later);
      assertThat(audit.count("redrive.audit.stream.skipped")).isEqualTo(skippedBefore + 1);
    }
  }

  @Test
  void streamsBeyondTheLimitsAreRefusedWithRetryAfterAndIdleOnesClosed() throws Exception {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> audit.gauge("redrive.audit.stream.clients") == 0);
    List<Stream> open = new ArrayList<>();
    try {
      // given two streams from 127.0.0.1, the most one address may have
      open.add(Stream.open(audit, "limit-a"));
      open.add(Stream.open(audit, "limit-b"));

      // then a third from the same address is 429 with Retry-After and a problem detail
      HttpResponse<String> perAddress = openFrom("127.0.0.1", "limit-c");
      assertThat(perAddress.statusCode()).isEqualTo(429);
      assertThat(perAddress.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(perAddress.body()).contains("redrive.audit.stream-max-clients-per-address");

      // and once three are open in all, another address gets 503
      // (a stream is counted before its response starts)
      open.add(streamFrom("10.0.0.2", "limit-d"));
      HttpResponse<String> total = openFrom("10.0.0.3", "limit-e");
      assertThat(total.statusCode()).isEqualTo(503);
      assertThat(total.headers().firstValue("Retry-After")).isPresent();
      assertThat(total.body()).contains("redrive.audit.stream-max-clients");

      // and streams without events are closed after the idle timeout, freeing their places
      double idleBefore = audit.count("redrive.audit.stream.idle.closed");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> audit.gauge("redrive.audit.stream.clients") == 0);
      assertThat(audit.count("redrive.audit.stream.idle.closed"))
          .isGreaterThanOrEqualTo(idleBefore + 3);
      assertThat(openFrom("10.0.0.3", "limit-e").statusCode()).isEqualTo(200);
    } finally {
      open.forEach(Stream::close);
    }
  }

  @Test
  void aRequestBodyOverTheLimitIs413NamingTheKeyWithOrWithoutContentLength() throws Exception {
    byte[] body = new byte[4096];
    for (HttpRequest.BodyPublisher publisher :
        List.of(
            HttpRequest.BodyPublishers.ofByteArray(body),
            HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(body)))) {
      HttpResponse<String> response =
          audit.http.send(
              HttpRequest.newBuilder(URI.create(audit.baseUrl + "/api/v1/events"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + RunningAudit.TOKEN)
                  .POST(publisher)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      // GET-only endpoint: a body under the limit would be 405; over it, 413 comes first or while
      // reading, depending on Content-Length
      assertThat(response.statusCode()).isIn(413, 405);
      if (publisher.contentLength() > 0) {
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("redrive.http.max-request-bytes", "\"limit\":1024");
      }
    }
  }

  private static HttpResponse<String> openFrom(String host, String executionId) throws Exception {
    return audit.http.send(streamRequest(host, executionId), HttpResponse.BodyHandlers.ofString());
  }

  private static Stream streamFrom(String host, String executionId) throws Exception {
    return Stream.of(
        audit.http.send(streamRequest(host, executionId), HttpResponse.BodyHandlers.ofLines()));
  }

  /** A stream request as a proxy forwards it for a client at {@code address}. */
  private static HttpRequest streamRequest(String address, String executionId) {
    return HttpRequest.newBuilder(
            URI.create(audit.baseUrl + "/api/v1/executions/" + executionId + "/events/stream"))
        .header("Accept", "text/event-stream")
        .header("X-Forwarded-For", address)
        .build();
  }

  private static void insert(String executionId, String eventId, String type, int offset) {
    audit
        .jdbc()
        .sql(
            """
            INSERT INTO audit_event (event_id, execution_id, event_type, topic, kafka_partition,
              kafka_offset, source, occurred_at, payload)
            VALUES (?, ?, ?, 'redrive.process-events', 0, ?, 'phase-runner', ?, ?::jsonb)""")
        .params(
            eventId,
            executionId,
            type,
            offset,
            OffsetDateTime.now(ZoneOffset.UTC).plusNanos(offset * 1000L),
            "{\"payload\": {\"reason\": \"r\"}}")
        .update();
  }
}
