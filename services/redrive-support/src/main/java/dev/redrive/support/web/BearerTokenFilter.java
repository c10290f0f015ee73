package dev.redrive.support.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The bearer-token check in front of every endpoint of a service (see {@link ApiAccess}). A refusal
 * is a 401 (403 for the read token on a write) problem detail, a WARN line and a count in {@code
 * redrive.api.refused}. A request with a named user's token carries that user as its {@link
 * Principal}. A {@link PageSession} cookie counts for reads; a browser that asks for a page without
 * a token is sent to the sign-in page, when the service has one.
 */
public final class BearerTokenFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(BearerTokenFilter.class);

  private final ApiAccess access;
  private final MeterRegistry meters;

  public BearerTokenFilter(ApiAccess access, MeterRegistry meters) {
    this.access = access;
    this.meters = meters;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path =
        request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    ApiAccess.Verdict verdict =
        access.check(
            request.getMethod(),
            path,
            request.getHeader(HttpHeaders.AUTHORIZATION),
            sessionCookie(request));
    if (verdict.allowed()) {
      chain.doFilter(
          verdict.user() == null ? request : new AsUser(request, verdict.user()), response);
      return;
    }
    Counter.builder("redrive.api.refused")
        .description("HTTP requests refused by the bearer-token check")
        .tag("reason", verdict.refusal().tag())
        .tag("needed", verdict.need().name().toLowerCase())
        .register(meters)
        .increment();
    log.warn(
        "refused {} {} from {}: {} token for a {}",
        printable(request.getMethod()),
        printable(path),
        request.getRemoteAddr(),
        verdict.refusal().tag(),
        verdict.need().name().toLowerCase());
    if (signInFirst(request, path, verdict)) {
      String next = path + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
      response.setStatus(HttpServletResponse.SC_SEE_OTHER);
      response.setHeader(
          HttpHeaders.LOCATION,
          access.signInPage() + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
      return;
    }
    boolean readOnly = verdict.refusal() == ApiAccess.Refusal.READ_ONLY;
    int status = readOnly ? HttpServletResponse.SC_FORBIDDEN : HttpServletResponse.SC_UNAUTHORIZED;
    String detail =
        readOnly
            ? "The read token cannot change anything: send the write token"
                + " (redrive.security.api-token) as 'Authorization: Bearer <token>'."
            : verdict.need() == ApiAccess.Need.WRITE
                ? "This endpoint needs the header 'Authorization: Bearer <token>' with the"
                    + " service's api token (redrive.security.api-token, env REDRIVE_API_TOKEN)"
                    + " or a user's token (redrive.security.users.<name>)."
                : "Reading needs the header 'Authorization: Bearer <token>' with the read token"
                    + " (redrive.security.read-token, env REDRIVE_READ_TOKEN) or a write token.";
    response.setStatus(status);
    if (!readOnly) {
      response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    response.setContentType("application/problem+json");
    response
        .getOutputStream()
        .write(
            ("{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}")
                .formatted(readOnly ? "Forbidden" : "Unauthorized", status, detail)
                .getBytes(StandardCharsets.UTF_8));
  }

  /** The session cookie's value, or null. */
  private static String sessionCookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie cookie : cookies) {
      if (PageSession.COOKIE.equals(cookie.getName())) {
        return cookie.getValue();
      }
    }
    return null;
  }

  /**
   * Whether to send the client to the sign-in page instead of a 401: a browser (it accepts HTML)
   * that asked for a page (not the API, not actuator, not a stream) with no credentials at all.
   */
  private boolean signInFirst(HttpServletRequest request, String path, ApiAccess.Verdict verdict) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return access.signInPage() != null
        && verdict.refusal() == ApiAccess.Refusal.MISSING
        && verdict.need() == ApiAccess.Need.READ
        && "GET".equalsIgnoreCase(request.getMethod())
        && accept != null
        && accept.contains("text/html")
        && !path.startsWith("/api/")
        && !path.startsWith("/actuator")
        && path.length()
                + (request.getQueryString() == null ? 0 : request.getQueryString().length())
            <= 2048;
  }

  /** Control characters escaped and length capped, so that a path cannot forge log lines. */
  static String printable(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < 200; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return value.length() > 200 ? out + "..." : out.toString();
  }

  /** The request as made by a named user. */
  private static final class AsUser extends HttpServletRequestWrapper {
    private final Principal user;

    AsUser(HttpServletRequest request, String name) {
      super(request);
      this.user = new TokenUser(name);
    }

    @Override
    public Principal getUserPrincipal() {
      return user;
    }

    @Override
    public String getRemoteUser() {
      return user.getName();
    }
  }

  /** The person a named token identifies. */
  record TokenUser(String name) implements Principal {
    @Override
    public String getName() {
      return name;
    }
  }
}
