package dev.redrive.cli;

import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service answered with an error status. The body is usually an RFC 9457 problem detail ({@code
 * title}, {@code detail} and extra members such as {@code currentStatus}).
 */
final class ApiException extends RuntimeException {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Service service;
  private final int status;
  private final String body;
  private final JsonNode problem;

  ApiException(Service service, String request, int status, String body) {
    super(request + " answered " + status);
    this.service = service;
    this.status = status;
    this.body = body == null ? "" : body;
    this.problem = parse(this.body);
  }

  /**
   * The service answered with a redirect, which the CLI does not follow: a token sent to one
   * address must not travel on to another.
   */
  static ApiException redirected(
      Service service, String request, int status, Optional<String> location) {
    String detail =
        "the %s answered %d %s; the CLI follows no redirect, so that a token never reaches another host: set %s to the address the service answers on"
            .formatted(
                service.displayName(),
                status,
                location.map(l -> "to " + l).orElse("with no Location"),
                service.howToSet());
    return new ApiException(
        service, request, status, JSON.createObjectNode().put("detail", detail).toString());
  }

  Service service() {
    return service;
  }

  int status() {
    return status;
  }

  /** The body as the server sent it. */
  String body() {
    return body;
  }

  /** The body parsed as JSON, or null when it is not JSON. */
  JsonNode problem() {
    return problem;
  }

  /** A member of the problem detail as text, or null. */
  String member(String name) {
    return problem == null ? null : Json.text(problem.path(name));
  }

  /** The best one-line explanation the answer offers. */
  String explanation() {
    String detail = member("detail");
    if (detail != null && !detail.isBlank()) {
      return detail;
    }
    String title = member("title");
    if (title != null && !title.isBlank()) {
      return title + " (HTTP " + status + ")";
    }
    if (!body.isBlank() && problem == null && body.stripLeading().startsWith("<")) {
      return "HTTP %d from the %s, with an HTML page instead of the API's answer: check the %s's address (%s)"
          .formatted(status, service.displayName(), service.displayName(), service.howToSet());
    }
    if (!body.isBlank() && problem == null) {
      String text = body.strip();
      return (text.length() > 300 ? text.substring(0, 300) + "..." : text)
          + " (HTTP "
          + status
          + ")";
    }
    return "HTTP " + status + " from the " + service.displayName();
  }

  private static JsonNode parse(String body) {
    if (body.isBlank()) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (JacksonException e) {
      return null;
    }
  }
}
