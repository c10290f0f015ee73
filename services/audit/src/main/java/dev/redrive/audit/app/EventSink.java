package dev.redrive.audit.app;

import java.io.IOException;

/** Where a live stream writes: one client (a Server-Sent Events response, for example). */
public interface EventSink {

  /** Writes one event; an exception ends the stream. */
  void send(StoredEvent event) throws IOException;

  /** Writes something the client ignores, so that a client that went away is noticed. */
  void heartbeat() throws IOException;

  /** The stream ended because a write failed. */
  void failed(Exception cause);

  /** Ends the stream normally (the service is stopping). */
  void close();
}
