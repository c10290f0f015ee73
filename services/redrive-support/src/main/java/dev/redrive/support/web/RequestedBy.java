package dev.redrive.support.web;

import java.security.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who asked for something: the person a named token identifies, else what the request body says. A
 * body that names someone else than the token is overruled (and logged at INFO).
 */
public final class RequestedBy {

  private static final Logger log = LoggerFactory.getLogger(RequestedBy.class);

  private RequestedBy() {}

  /**
   * @param caller the request's principal (set for a named token), or null
   * @param fromBody the body's {@code requestedBy}, or null
   * @return the name to record, or null when neither says
   */
  public static String resolve(Principal caller, String fromBody) {
    if (caller == null) {
      return fromBody;
    }
    if (fromBody != null && !fromBody.isBlank() && !fromBody.equals(caller.getName())) {
      log.info(
          "requestedBy '{}' in the body overruled: the token is {}'s",
          BearerTokenFilter.printable(fromBody),
          caller.getName());
    }
    return caller.getName();
  }
}
