package dev.redrive.audit;

import static dev.redrive.audit.Events.attemptFailed;
import static dev.redrive.audit.Events.attemptStarted;
import static dev.redrive.audit.Events.executionStarted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.ProcessEvent;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Following an execution live over Server-Sent Events: the events so far, then new ones as they are
 * stored, each once; resuming after a Last-Event-ID; events stored by another audit instance; and
 * streams of clients that left are closed.
 */
class EventStreamIT {

  private static RunningAudit audit;

  @BeforeAll
  static void start() {
    audit = RunningAudit.start("stream", "--redrive.audit.stream-catch-up-interval=200ms");
  }

  @AfterAll
  static void stop() {
    audit.close();
  }

  @Test
  void streamSendsTheEventsSoFarThenNewOnesAsTheyAreStored() {
    // given an execution with two events, the second of which occurred first
    String executionId = "live-" + UUID.randomUUID();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    AttemptEvent attempt = attemptStarted(executionId, "demo", "build", 1, null, t0.plusMillis(5));
    ProcessEvent started = executionStarted(executionId, "demo", t0);
    audit.send(attempt, started);
    audit.timeline(executionId, 2);

    try (Stream stream = Stream.open(audit, executionId)) {
      // then the stream is SSE and starts with the events so far, oldest first
      assertThat(stream.contentType).startsWith("text/event-stream");
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events().size() == 2);
      assertThat(stream.events())
          .extracting(e -> e.id)
          .containsExactly(started.getEventId(), attempt.getEventId());
      assertThat(stream.events())
          .extracting(e -> e.name)
          .containsExactly("ExecutionStarted", "AttemptStarted");

      // when a new event is stored
      AttemptEvent failed =
          attemptFailed(
              executionId,
              "demo",
              "build",
              1,
              FailureType.TIMEOUT,
              "too slow",
              null,
              t0.plusMillis(9));
      audit.send(failed);

      // then it follows at once, as a whole timeline entry
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events().size() == 3);
      SseEvent live = stream.events().get(2);
      assertThat(live.id).isEqualTo(failed.getEventId());
      assertThat(live.name).isEqualTo("AttemptFailed");
      JsonNode entry = RunningAudit.JSON.readTree(live.data);
      assertThat(entry.path("eventId").asString()).isEqualTo(failed.getEventId());
      assertThat(entry.path("type").asString()).isEqualTo("AttemptFailed");
      assertThat(entry.path("failureType").asString()).isEqualTo("TIMEOUT");
      assertThat(entry.path("summary").asString()).contains("build attempt 1 failed: TIMEOUT");
      assertThat(entry.path("payload").path("payload").path("errorMessage").asString())
          .isEqualTo("too slow");

      // and after further catch-ups and heartbeats, nothing came twice
      int heartbeats = stream.heartbeats();
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.heartbeats() >= heartbeats + 2);
      assertThat(stream.events()).hasSize(3);
    }
  }

  @Test
  void streamResumesAfterTheLastEventIdItIsGiven() {
    // given three events stored one after the other
    String executionId = "resume-" + UUID.randomUUID();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      AttemptEvent event =
          attemptStarted(executionId, "demo", "phase-" + i, 1, null, t0.plusMillis(i));
      audit.send(event);
      audit.timeline(executionId, i + 1);
      ids.add(event.getEventId());
    }

    // when a client reconnects after having seen the first
    try (Stream stream = Stream.open(audit, executionId, "Last-Event-ID", ids.get(0))) {
      // then it gets the two others only
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events().size() == 2);
      int heartbeats = stream.heartbeats();
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.heartbeats() > heartbeats);
      assertThat(stream.events()).extracting(e -> e.id).containsExactly(ids.get(1), ids.get(2));
    }
  }

  @Test
  void eventsThatAnotherAuditInstanceStoredReachTheStream() {
    // given a client following an execution
    String executionId = "elsewhere-" + UUID.randomUUID();
    audit.send(executionStarted(executionId, "demo", Instant.now()));
    audit.timeline(executionId, 1);
    try (Stream stream = Stream.open(audit, executionId)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events().size() == 1);

      // when another instance (consuming other partitions) stores an event of it
      String eventId = UUID.randomUUID().toString();
      audit
          .jdbc()
          .sql(
              """
              INSERT INTO audit_event (event_id, execution_id, event_type, topic, kafka_partition,
                kafka_offset, source, occurred_at, payload)
              VALUES (?, ?, 'ExecutionCancelled', 'redrive.process-events', 2, 7, 'phase-runner', ?,
                ?::jsonb)""")
          .params(
              eventId,
              executionId,
              OffsetDateTime.now(ZoneOffset.UTC),
              "{\"eventId\": \"%s\", \"payload\": {\"reason\": \"stopped by hand\"}}"
                  .formatted(eventId))
          .update();

      // then the catch-up sends it
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events().size() == 2);
      assertThat(stream.events().get(1).id).isEqualTo(eventId);
      assertThat(stream.events().get(1).data)
          .contains("execution cancelled: \\\"stopped by hand\\\"");
    }
  }

  @Test
  void streamsOfClientsThatLeftAreClosed() {
    String executionId = "leaving-" + UUID.randomUUID();
    double before = audit.gauge("redrive.audit.stream.clients");

    Stream stream = Stream.open(audit, executionId);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> audit.gauge("redrive.audit.stream.clients") == before + 1);
    stream.close();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> audit.gauge("redrive.audit.stream.clients") == before);
  }

  /** One Server-Sent Event as read from the wire. */
  record SseEvent(String name, String id, String data) {}

  /** A client reading an event stream line by line on a thread of its own. */
  static final class Stream implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final java.util.stream.Stream<String> body;
    final String contentType;

    private Stream(HttpResponse<java.util.stream.Stream<String>> response) {
      this.body = response.body();
      this.contentType = response.headers().firstValue("Content-Type").orElse("");
      Thread reader = new Thread(this::read, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    static Stream of(HttpResponse<java.util.stream.Stream<String>> response) {
      return new Stream(response);
    }

    static Stream open(RunningAudit audit, String executionId, String... headers) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(
                  URI.create(
                      audit.baseUrl + "/api/v1/executions/" + executionId + "/events/stream"))
              .header("Accept", "text/event-stream");
      if (headers.length > 0) {
        request.headers(headers);
      }
      try {
        return new Stream(audit.http.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
      } catch (java.io.IOException | InterruptedException e) {
        throw new IllegalStateException("could not open the stream", e);
      }
    }

    /** The complete events so far (those followed by their blank line). */
    List<SseEvent> events() {
      List<SseEvent> events = new ArrayList<>();
      String name = null;
      String id = null;
      StringBuilder data = null;
      for (String line : lines) {
        if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("data:")) {
          data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(5));
        } else if (line.isEmpty() && data != null) {
          events.add(new SseEvent(name, id, data.toString()));
          name = null;
          id = null;
          data = null;
        }
      }
      return events;
    }

    int heartbeats() {
      return (int) lines.stream().filter(line -> line.startsWith(":")).count();
    }

    @Override
    public void close() {
      closed = true;
      body.close();
    }

    private void read() {
      try {
        body.forEach(lines::add);
      } catch (UncheckedIOException e) {
        if (!closed) {
          throw e;
        }
      }
    }
  }
}
