package dev.redrive.audit.web;

import dev.redrive.audit.app.EventSink;
import dev.redrive.audit.app.LiveTimeline;
import dev.redrive.audit.app.StoredEvent;
import dev.redrive.audit.config.AuditProperties;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * An execution's events as Server-Sent Events: those stored so far, oldest first, then each new one
 * as it is stored ({@code event: <type>}, {@code id: <eventId>}, {@code data: <entry JSON>}). A
 * reconnecting client that sends {@code Last-Event-ID} gets only what was stored after that event.
 */
@RestController
@RequestMapping("/api/v1")
class EventStreamController {

  private final LiveTimeline live;
  private final TimelineEntries entries;
  private final AuditProperties properties;

  EventStreamController(LiveTimeline live, TimelineEntries entries, AuditProperties properties) {
    this.live = live;
    this.entries = entries;
    this.properties = properties;
  }

  @GetMapping(
      path = "/executions/{executionId}/events/stream",
      produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter stream(
      @PathVariable String executionId,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
    LiveTimeline.Follower follower =
        live.follow(executionId, lastEventId, new SseSink(emitter, entries));
    emitter.onCompletion(follower::stop);
    emitter.onError(error -> follower.stop());
    emitter.onTimeout(
        () -> {
          follower.stop();
          emitter.complete();
        });
    return emitter;
  }

  /** Writes stored events to one SSE response. */
  private record SseSink(SseEmitter emitter, TimelineEntries entries) implements EventSink {

    @Override
    public void send(StoredEvent event) throws IOException {
      TimelineEntry entry = entries.of(event);
      emitter.send(
          SseEmitter.event()
              .name(entry.type())
              .id(entry.eventId())
              .data(entries.toJson(entry), MediaType.APPLICATION_JSON));
    }

    @Override
    public void heartbeat() throws IOException {
      emitter.send(SseEmitter.event().comment("heartbeat"));
    }

    @Override
    public void failed(Exception cause) {
      emitter.completeWithError(cause);
    }

    @Override
    public void close() {
      emitter.complete();
    }
  }
}
