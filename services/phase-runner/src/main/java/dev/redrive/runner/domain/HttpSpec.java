package dev.redrive.runner.domain;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A webhook call: 2xx is success; 5xx, 408, 429 and timeouts are SOFT failures (a retry may help);
 * any other answer is a HARD failure ({@link HttpAnswer}).
 *
 * @param url absolute http or https address
 * @param method one of {@link #METHODS}
 * @param headers extra request headers
 * @param body body template ({@link BodyTemplate}); null sends the default JSON body
 * @param timeout how long the whole exchange may take
 */
public record HttpSpec(
    URI url, String method, Map<String, String> headers, String body, Duration timeout)
    implements Handler {

  /** Methods a phase may use. */
  public static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

  public HttpSpec {
    headers = Map.copyOf(headers);
  }
}
