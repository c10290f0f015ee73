package dev.redrive.audit.web;

import dev.redrive.audit.app.EventSink;
import dev.redrive.audit.app.LiveTimeline;
import dev.redrive.audit.app.StoredEvent;
import dev.redrive.audit.app.StreamRefusedException;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
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
 *
 * <p>A client over the limits gets 429 (too many streams from its address) or 503 (too many in
 * all), with {@code Retry-After}. An event that cannot be written as one SSE event (a line break in
 * its id or type) is skipped and counted, never written: one bad stored event cannot break the
 * streams that reach it.
 */
@RestController
@RequestMapping("/api/v1")
class EventStreamController {

  private static final Logger log = LoggerFactory.getLogger(EventStreamController.class);

  private final LiveTimeline live;
  private final TimelineEntries entries;
  private final WebSettings settings;
  private final Counter skipped;

  EventStreamController(
      LiveTimeline live, TimelineEntries entries, WebSettings settings, MeterRegistry meters) {
    this.live = live;
    this.entries = entries;
    this.settings = settings;
    this.skipped =
        Counter.builder("redrive.audit.stream.skipped")
            .description("Events left out of event streams because SSE cannot carry them")
            .register(meters);
  }

  @GetMapping(
      path = "/executions/{executionId}/events/stream",
      produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter stream(
      @PathVariable String executionId,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      HttpServletRequest request) {
    SseSink sink = new SseSink();
    LiveTimeline.Follower follower =
        live.follow(executionId, lastEventId, sink, request.getRemoteAddr());
    return sink.stopping(follower::stop);
  }

  @ExceptionHandler(StreamRefusedException.class)
  ResponseEntity<ProblemDetail> refused(StreamRefusedException e) {
    return SseStreamSink.refusedAnswer(e, settings);
  }

  /** Writes stored events to one SSE response. */
  private final class SseSink extends SseStreamSink implements EventSink {

    private SseSink() {
      super(settings);
    }

    @Override
    public void send(StoredEvent event) throws IOException {
      TimelineEntry entry = entries.of(event);
      String data = entries.toJson(entry);
      String unwritable = SseText.unwritable(entry.eventId(), entry.type(), data);
      if (unwritable != null) {
        skipped.increment();
        log.warn(
            "event {} of execution {} left out of its event stream: {}",
            LogText.escape(entry.eventId()),
            LogText.escape(entry.executionId()),
            unwritable);
        return;
      }
      emitter.send(
          SseEmitter.event()
              .name(entry.type())
              .id(entry.eventId())
              .data(data, MediaType.APPLICATION_JSON));
    }
  }
}
