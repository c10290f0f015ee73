package dev.redrive.support.web;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call a service's HTTP endpoints ({@code redrive.security.*}); the same keys in every
 * service. {@link #toString()} shows no token.
 *
 * @param apiToken the write token: every POST, PUT, PATCH and DELETE needs {@code Authorization:
 *     Bearer <it>} (env {@code REDRIVE_API_TOKEN}); may stay empty only with the {@code local}
 *     profile, and then everything is open
 * @param readToken when set, GET requests (the API, the audit page and its live stream, actuator
 *     endpoints other than health and prometheus) need it or a write token (env {@code
 *     REDRIVE_READ_TOKEN}); empty = reads are open
 * @param users named write tokens ({@code redrive.security.users.<name>=<token>}): a request with
 *     one acts as that person, whose name becomes the {@code requestedBy} of what it asks for
 */
@ConfigurationProperties("redrive.security")
public record SecurityProperties(
    @DefaultValue("") String apiToken,
    @DefaultValue("") String readToken,
    Map<String, String> users) {

  public SecurityProperties {
    users = users == null ? Map.of() : Map.copyOf(users);
  }

  @Override
  public String toString() {
    return "SecurityProperties[apiToken=%s, readToken=%s, users=%s]"
        .formatted(
            apiToken.isBlank() ? "(none)" : "****",
            readToken.isBlank() ? "(none)" : "****",
            users.keySet());
  }
}
