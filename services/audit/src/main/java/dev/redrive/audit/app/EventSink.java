package dev.redrive.audit.app;

import java.io.IOException;

/**
 * Where an execution's live stream writes: one client (a Server-Sent Events response, for example).
 */
public interface EventSink extends StreamSink {

  /** Writes one event; an exception ends the stream. */
  void send(StoredEvent event) throws IOException;
}
