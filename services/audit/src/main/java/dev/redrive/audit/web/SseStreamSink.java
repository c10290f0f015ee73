package dev.redrive.audit.web;

import dev.redrive.audit.app.StreamAdmission;
import dev.redrive.audit.app.StreamRefusedException;
import dev.redrive.audit.app.StreamSink;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One live stream's SSE response, as both stream controllers ({@link EventStreamController}, {@link
 * IndexStreamController}) write it: heartbeats as comments, the end of the stream, and stopping the
 * stream when the response ends. What it sends is the subclass's.
 */
abstract class SseStreamSink implements StreamSink {

  final SseEmitter emitter;

  SseStreamSink(WebSettings settings) {
    this.emitter = new SseEmitter(settings.streamTimeout().toMillis());
  }

  /** Has the response stop {@code stream} when it completes, fails or times out; returns it. */
  SseEmitter stopping(Runnable stream) {
    emitter.onCompletion(stream);
    emitter.onError(error -> stream.run());
    emitter.onTimeout(
        () -> {
          stream.run();
          emitter.complete();
        });
    return emitter;
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

  /** The answer to a client refused a stream (of events or of the index): 429 or 503. */
  static ResponseEntity<ProblemDetail> refusedAnswer(
      StreamRefusedException e, WebSettings settings) {
    HttpStatus status =
        e.verdict() == StreamAdmission.Verdict.TOO_MANY_FROM_ADDRESS
            ? HttpStatus.TOO_MANY_REQUESTS
            : HttpStatus.SERVICE_UNAVAILABLE;
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
    problem.setTitle("Too many event streams");
    problem.setType(URI.create("https://redrive.dev/problems/too-many-streams"));
    problem.setProperty("limit", e.limit());
    long retryAfter = Math.max(1, settings.streamRetryAfter().toSeconds());
    return ResponseEntity.status(status)
        .header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter))
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
