package dev.redrive.support.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who may do what over HTTP: the decision of the bearer-token check, without Servlet or Spring.
 *
 * <p>Writes (any method but GET, HEAD and OPTIONS, on any path) need the write token or a named
 * user's token. Reads need the read token, the write token or a user's token when a read token is
 * set, and nothing otherwise. Actuator health and prometheus stay open so that health checks and
 * Prometheus scrapes work without a token. With no write token (the {@code local} profile only)
 * everything is open.
 */
public final class ApiAccess {

  /** What a request needs. */
  public enum Need {
    NOTHING,
    READ,
    WRITE
  }

  /** Why a request was refused, as the {@code reason} tag of the refusal metric. */
  public enum Refusal {
    MISSING,
    INVALID,
    READ_ONLY;

    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * The answer for one request.
   *
   * @param refusal null when allowed
   * @param user the name of the person whose token it carried, or null
   */
  public record Verdict(Refusal refusal, Need need, String user) {
    public boolean allowed() {
      return refusal == null;
    }
  }

  /** Names of {@code redrive.security.users.<name>}: they end up in logs and events. */
  static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private static final List<String> OPEN_ACTUATOR =
      List.of("/actuator/health", "/actuator/prometheus");

  private final ApiToken write;
  private final ApiToken read;
  private final Map<String, ApiToken> users;

  private ApiAccess(ApiToken write, ApiToken read, Map<String, ApiToken> users) {
    this.write = write;
    this.read = read;
    this.users = users;
  }

  /**
   * The access the settings describe; a setting that cannot work stops the start with its key.
   *
   * @param local whether the {@code local} profile is active (the only one that may run open)
   */
  public static ApiAccess configure(SecurityProperties settings, boolean local) {
    ApiToken write = token(settings.apiToken(), "redrive.security.api-token");
    ApiToken read = token(settings.readToken(), "redrive.security.read-token");
    if (write == null && !local) {
      throw new IllegalStateException(
          "redrive.security.api-token (env REDRIVE_API_TOKEN) is not set: every service's"
              + " POST endpoints need a bearer token. Set it, or run with the 'local' profile"
              + " (spring.profiles.active=local) for an open local setup.");
    }
    if (write == null && (read != null || !settings.users().isEmpty())) {
      throw new IllegalStateException(
          "redrive.security.read-token and redrive.security.users need"
              + " redrive.security.api-token (env REDRIVE_API_TOKEN) too: without it every"
              + " endpoint is open.");
    }
    if (read != null && read.sameAs(write)) {
      throw new IllegalStateException(
          "redrive.security.read-token is the same as redrive.security.api-token: give readers"
              + " a token of their own.");
    }
    Map<String, ApiToken> users = new LinkedHashMap<>();
    for (var user : settings.users().entrySet()) {
      String key = "redrive.security.users." + user.getKey();
      if (!USER_NAME.matcher(user.getKey()).matches()) {
        throw new IllegalStateException(
            key.replaceAll("[^\\x21-\\x7e]", "?")
                + ": a user name has 1 to 64 letters, digits or . _ @ - (it becomes the"
                + " requestedBy of what the user asks for).");
      }
      ApiToken token = token(user.getValue(), key);
      if (token == null) {
        throw new IllegalStateException(key + " is empty: give the user a token.");
      }
      if (token.sameAs(write) || token.sameAs(read)) {
        throw new IllegalStateException(
            key + " is the same as the shared api or read token: a named token must be its own.");
      }
      for (var other : users.entrySet()) {
        if (token.sameAs(other.getValue())) {
          throw new IllegalStateException(
              key + " is the same as redrive.security.users." + other.getKey() + ".");
        }
      }
      users.put(user.getKey(), token);
    }
    return new ApiAccess(write, read, Map.copyOf(users));
  }

  private static ApiToken token(String value, String key) {
    if (value != null && value.strip().length() > ApiToken.MAX_LENGTH) {
      throw new IllegalStateException(
          "%s is longer than %d characters.".formatted(key, ApiToken.MAX_LENGTH));
    }
    return ApiToken.ofSetting(value);
  }

  public boolean writesOpen() {
    return write == null;
  }

  public boolean readsOpen() {
    return read == null;
  }

  public List<String> userNames() {
    return users.keySet().stream().sorted().toList();
  }

  /** What a request with this method on this (decoded, normalised) path needs. */
  public static Need need(String method, String path) {
    boolean reading =
        "GET".equalsIgnoreCase(method)
            || "HEAD".equalsIgnoreCase(method)
            || "OPTIONS".equalsIgnoreCase(method);
    if (!reading) {
      return Need.WRITE;
    }
    for (String open : OPEN_ACTUATOR) {
      if (path.equals(open) || path.startsWith(open + "/")) {
        return Need.NOTHING;
      }
    }
    return Need.READ;
  }

  /** The verdict on a request, from its method, path and {@code Authorization} header. */
  public Verdict check(String method, String path, String authorization) {
    Need need = need(method, path);
    if (write == null) {
      return new Verdict(null, need, null);
    }
    String presented = bearer(authorization);
    Match match = presented == null ? Match.NONE : match(presented);
    if (match.user != null) {
      return new Verdict(null, need, match.user);
    }
    boolean allowed =
        switch (need) {
          case NOTHING -> true;
          case READ -> read == null || match.level != Need.NOTHING;
          case WRITE -> match.level == Need.WRITE;
        };
    if (allowed) {
      return new Verdict(null, need, null);
    }
    Refusal refusal =
        authorization == null || authorization.isBlank()
            ? Refusal.MISSING
            : match.level == Need.READ ? Refusal.READ_ONLY : Refusal.INVALID;
    return new Verdict(refusal, need, null);
  }

  private record Match(Need level, String user) {
    static final Match NONE = new Match(Need.NOTHING, null);
  }

  /** Compares with every token, whatever matches first, so the time tells nothing. */
  private Match match(String presented) {
    byte[] digest = ApiToken.digest(presented);
    boolean isWrite = write.matches(digest);
    boolean isRead = read != null && read.matches(digest);
    String user = null;
    for (var entry : users.entrySet()) {
      if (entry.getValue().matches(digest)) {
        user = entry.getKey();
      }
    }
    if (user != null) {
      return new Match(Need.WRITE, user);
    }
    return isWrite ? new Match(Need.WRITE, null) : isRead ? new Match(Need.READ, null) : Match.NONE;
  }

  /** The credentials of {@code Bearer <token>} (scheme in any case), or null. */
  static String bearer(String authorization) {
    if (authorization == null || authorization.length() > ApiToken.MAX_LENGTH + 16) {
      return null;
    }
    String value = authorization.strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
      return null;
    }
    String token = value.substring(space + 1).strip();
    return token.isEmpty() ? null : token;
  }

  @Override
  public String toString() {
    return "ApiAccess[writes=%s, reads=%s, users=%s]"
        .formatted(writesOpen() ? "open" : "token", readsOpen() ? "open" : "token", userNames());
  }
}
