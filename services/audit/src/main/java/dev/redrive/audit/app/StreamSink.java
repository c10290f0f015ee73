package dev.redrive.audit.app;

import java.io.IOException;

/**
 * Where a live stream writes, whatever it sends: one client (a Server-Sent Events response, for
 * example). What it sends is the kind's own ({@link EventSink}, {@link LiveIndex.Sink}).
 */
public interface StreamSink {

  /** Writes something the client ignores, so that a client that went away is noticed. */
  void heartbeat() throws IOException;

  /** The stream ended because a write failed. */
  void failed(Exception cause);

  /** Ends the stream normally (the service is stopping). */
  void close();
}
