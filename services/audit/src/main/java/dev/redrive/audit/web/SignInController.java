package dev.redrive.audit.web;

import dev.redrive.support.log.LogText;
import dev.redrive.support.web.ApiAccess;
import dev.redrive.support.web.ApiToken;
import dev.redrive.support.web.InvalidFieldException;
import dev.redrive.support.web.PageSession;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Signing a browser in to the audit's pages ({@code redrive.security.sign-in-page}, {@code
 * /login}): a browser cannot send {@code Authorization: Bearer}, so a person gives a token once in
 * this form (a POST: the token is never in a URL, a log line or the history) and gets a {@link
 * PageSession} cookie ({@code HttpOnly}, {@code SameSite=Strict}, {@code Secure} over HTTPS) that
 * lets that browser read, and only read, for {@link PageSession#LIFETIME}. A browser that opens a
 * page without it is sent here first, and back to the page after.
 */
@Controller
class SignInController {

  private static final Logger log = LoggerFactory.getLogger(SignInController.class);
  private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

  /** Longest {@code next} (the page to go back to) accepted. */
  static final int MAX_NEXT = 2048;

  private final ApiAccess access;
  private final Clock clock;
  private final MeterRegistry meters;

  SignInController(ApiAccess access, Clock clock, MeterRegistry meters) {
    this.access = access;
    this.clock = clock;
    this.meters = meters;
  }

  @GetMapping("/login")
  ResponseEntity<String> form(@RequestParam(required = false) String next) {
    return ResponseEntity.ok()
        .contentType(HTML)
        .body(SignInPage.render(next(next), null, access.readsOpen()));
  }

  @PostMapping(path = "/login", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
  ResponseEntity<String> signIn(
      @RequestParam(required = false) String token,
      @RequestParam(required = false) String next,
      HttpServletRequest request) {
    String target = next(next);
    if (token != null && token.length() > ApiToken.MAX_LENGTH) {
      throw new InvalidFieldException(
          "token",
          "Field 'token' is %d characters; a token has at most %d."
              .formatted(token.length(), ApiToken.MAX_LENGTH));
    }
    Optional<String> session = access.signIn(token, clock.instant());
    String address = LogText.escape(request.getRemoteAddr());
    if (session.isEmpty()) {
      meters.counter("redrive.audit.page.sign.ins", "outcome", "refused").increment();
      log.warn("page sign-in refused from {}: not a token of this service", address);
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
          .contentType(HTML)
          .body(
              SignInPage.render(
                  target,
                  "That is not a token of this audit service: give the read token"
                      + " (redrive.security.read-token), the api token or your own.",
                  access.readsOpen()));
    }
    meters.counter("redrive.audit.page.sign.ins", "outcome", "signed-in").increment();
    log.info("page session started for {} (ends in {})", address, PageSession.LIFETIME);
    ResponseCookie cookie =
        ResponseCookie.from(PageSession.COOKIE, session.get())
            .path("/")
            .maxAge(PageSession.LIFETIME)
            .httpOnly(true)
            .secure(request.isSecure())
            .sameSite("Strict")
            .build();
    return ResponseEntity.status(HttpStatus.SEE_OTHER)
        .header(HttpHeaders.SET_COOKIE, cookie.toString())
        .header(HttpHeaders.LOCATION, target)
        .build();
  }

  /**
   * Where to go after signing in: a path of this service (so the form cannot send anyone
   * elsewhere), the index page when none is given.
   */
  private static String next(String next) {
    if (next == null || next.isBlank()) {
      return "/";
    }
    if (next.length() > MAX_NEXT) {
      throw new InvalidFieldException(
          "next",
          "Parameter 'next' is %d characters, at most %d: open the page again."
              .formatted(next.length(), MAX_NEXT));
    }
    boolean local =
        next.startsWith("/")
            && !next.startsWith("//")
            && !next.startsWith("/\\")
            && next.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    if (!local) {
      throw new InvalidFieldException(
          "next", "Parameter 'next' must be a path of this service, such as /executions/abc.");
    }
    return next;
  }
}
