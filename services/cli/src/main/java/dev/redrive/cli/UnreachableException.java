package dev.redrive.cli;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/** A service could not be reached at all: nothing listens, the host is unknown, or it timed out. */
final class UnreachableException extends RuntimeException {

  UnreachableException(Service service, URI base, Throwable cause) {
    super(
        "Cannot reach the %s at %s (%s). Is it running? Set its address with %s."
            .formatted(service.displayName(), base, reason(cause), service.howToSet()),
        cause);
  }

  private static String reason(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException) {
        return "unknown host";
      }
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return "no connection within the connect time-out";
    }
    if (cause instanceof HttpTimeoutException) {
      return "no answer within the request time-out";
    }
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
