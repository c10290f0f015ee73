package dev.redrive.audit.web;

import dev.redrive.audit.app.ExecutionIndex;
import dev.redrive.audit.app.LiveIndex;
import dev.redrive.audit.app.StreamRefusedException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The index's live rows as Server-Sent Events, for the index page's script: {@code event:
 * execution}, {@code id: <change>}, {@code data: <IndexRow JSON>}, first what changed since {@code
 * since}, then each change as it is committed. Filters as on the page ({@code pipeline}, {@code
 * status}, {@code q}); a row that stopped matching them comes with {@code matches: false}. The
 * stream counts against the same limits as the execution streams (429/503 with {@code Retry-After},
 * answered as {@link EventStreamController} does).
 */
@RestController
class IndexStreamController {

  private final LiveIndex live;
  private final TimelineEntries entries;
  private final WebSettings settings;

  IndexStreamController(LiveIndex live, TimelineEntries entries, WebSettings settings) {
    this.live = live;
    this.entries = entries;
    this.settings = settings;
  }

  @GetMapping(path = "/api/v1/index/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter stream(HttpServletRequest request) {
    IndexParams params = IndexParams.ofStream(request.getParameterMap());
    Sink sink = new Sink();
    LiveIndex.Watcher watcher =
        live.watch(params.query(), params.since(), sink, request.getRemoteAddr());
    return sink.stopping(watcher::stop);
  }

  @ExceptionHandler(StreamRefusedException.class)
  ResponseEntity<ProblemDetail> refused(StreamRefusedException e) {
    return SseStreamSink.refusedAnswer(e, settings);
  }

  /** Writes changed rows to one SSE response. */
  private final class Sink extends SseStreamSink implements LiveIndex.Sink {

    private Sink() {
      super(settings);
    }

    @Override
    public void send(ExecutionIndex.Change change, boolean matches) throws IOException {
      // compact JSON has no raw line break, and ids have none: one SSE event each
      emitter.send(
          SseEmitter.event()
              .name("execution")
              .id(String.valueOf(change.change()))
              .data(entries.json(IndexRow.of(change, matches)), MediaType.APPLICATION_JSON));
    }
  }
}
