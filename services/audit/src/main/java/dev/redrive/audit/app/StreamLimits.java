package dev.redrive.audit.app;

import java.time.Duration;

/**
 * How much the live streams may hold: streams open at once in all and from one client address, how
 * long one may stay without an event, and the most stored events a stream starts with.
 */
public record StreamLimits(
    int maxClients, int maxClientsPerAddress, Duration idleTimeout, int maxTimelineEvents) {

  public StreamLimits {
    if (maxClients < 1 || maxClientsPerAddress < 1 || maxTimelineEvents < 1) {
      throw new IllegalArgumentException("stream limits must be at least 1");
    }
    if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("the idle timeout must be positive, was " + idleTimeout);
    }
  }
}
