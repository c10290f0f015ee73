package dev.redrive.support.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may do what over HTTP: the decision of the bearer-token check, without Servlet or Spring.
 *
 * <p>Writes (any method but GET, HEAD and OPTIONS, on any path but the {@link #READING_POSTS}) need
 * the write token or a named user's token. Reads need the read token, the write token or a user's
 * token when a read token is set, and nothing otherwise. Actuator health and prometheus stay open
 * so that health checks and Prometheus scrapes work without a token. With no write token (the
 * {@code local} profile only) everything is open.
 *
 * <p>A browser cannot send a bearer header, so a service with pages may have a sign-in page ({@code
 * redrive.security.sign-in-page}): it is open, takes a token once in a form, and answers with a
 * {@link PageSession} cookie that counts as the read token for reads, never for writes.
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

  /**
   * POST endpoints that change nothing: a question too large for a URL (a what-if carries a whole
   * policy document). They need only what a read needs.
   */
  static final List<String> READING_POSTS = List.of("/api/v1/policies/what-if");

  private static final List<String> OPEN_ACTUATOR =
      List.of("/actuator/health", "/actuator/prometheus");

  private final ApiToken write;
  private final ApiToken read;
  private final Map<String, ApiToken> users;
  private final PageSession session;
  private final String signInPage;

  private ApiAccess(
      ApiToken write,
      ApiToken read,
      Map<String, ApiToken> users,
      PageSession session,
      String signInPage) {
    this.write = write;
    this.read = read;
    this.users = users;
    this.session = session;
    this.signInPage = signInPage;
  }

  /**
   * The same access, with a sign-in page at {@code path} (open to everyone, any method) where a
   * browser trades a token for a {@link PageSession}; blank = none.
   */
  public ApiAccess withSignInPage(String path) {
    String page = path == null || path.isBlank() ? null : path.strip();
    if (page != null && (!page.startsWith("/") || page.startsWith("/api/") || page.length() > 64)) {
      throw new IllegalStateException(
          "redrive.security.sign-in-page must be a path such as /login (at most 64 characters,"
              + " not under /api/), was '%s'.".formatted(page.replaceAll("[^\\x21-\\x7e]", "?")));
    }
    return new ApiAccess(write, read, users, session, page);
  }

  /** The sign-in page's path, or null when the service has none. */
  public String signInPage() {
    return signInPage;
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
    PageSession session =
        read == null
            ? null
            : new PageSession(ApiToken.digest("page-session:" + settings.readToken().strip()));
    return new ApiAccess(write, read, Map.copyOf(users), session, null);
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
            || "OPTIONS".equalsIgnoreCase(method)
            || ("POST".equalsIgnoreCase(method) && READING_POSTS.contains(path));
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
    return check(method, path, authorization, null);
  }

  /**
   * The verdict on a request, from its method, path, {@code Authorization} header and {@link
   * PageSession#COOKIE} cookie (null when it has none). The cookie counts for reads only.
   */
  public Verdict check(String method, String path, String authorization, String sessionCookie) {
    Need need = signInPage != null && signInPage.equals(path) ? Need.NOTHING : need(method, path);
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
          case READ ->
              read == null
                  || match.level != Need.NOTHING
                  || (presented == null && session.valid(sessionCookie, Instant.now()));
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

  /**
   * Signs a browser in: the value of a {@link PageSession#COOKIE} cookie when {@code token} is one
   * that may read (the read token, the write token or a user's); empty when it is not, or when
   * reads need no token here (then there is nothing to sign in to).
   */
  public Optional<String> signIn(String token, Instant now) {
    if (session == null
        || token == null
        || token.isBlank()
        || token.length() > ApiToken.MAX_LENGTH) {
      return Optional.empty();
    }
    Match match = match(token.strip());
    return match.level == Need.NOTHING && match.user == null
        ? Optional.empty()
        : Optional.of(session.issue(now));
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
