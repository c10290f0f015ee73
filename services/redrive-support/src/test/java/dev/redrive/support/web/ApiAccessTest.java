package dev.redrive.support.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.support.web.ApiAccess.Need;
import dev.redrive.support.web.ApiAccess.Refusal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiAccessTest {

  private static final ApiAccess WRITE_ONLY =
      ApiAccess.configure(new SecurityProperties("w-token", "", Map.of()), false);
  private static final ApiAccess WITH_READ_AND_USERS =
      ApiAccess.configure(
          new SecurityProperties("w-token", "r-token", Map.of("alice", "alice-token")), false);

  @Test
  void shouldNeedTheWriteTokenForEveryMethodThatIsNotARead() {
    for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE", "TRACE"}) {
      assertThat(ApiAccess.need(method, "/api/v1/executions/x/resume")).isEqualTo(Need.WRITE);
      assertThat(ApiAccess.need(method, "/actuator/health")).isEqualTo(Need.WRITE);
    }
    assertThat(ApiAccess.need("GET", "/api/v1/executions/x")).isEqualTo(Need.READ);
    assertThat(ApiAccess.need("GET", "/executions/x")).isEqualTo(Need.READ);
    assertThat(ApiAccess.need("GET", "/actuator/metrics")).isEqualTo(Need.READ);
    assertThat(ApiAccess.need("GET", "/actuator/health/liveness")).isEqualTo(Need.NOTHING);
    assertThat(ApiAccess.need("GET", "/actuator/prometheus")).isEqualTo(Need.NOTHING);
    assertThat(ApiAccess.need("GET", "/actuator/healthcheck")).isEqualTo(Need.READ);
  }

  @Test
  void shouldNeedOnlyAReadForAPostThatChangesNothing() {
    assertThat(ApiAccess.need("POST", "/api/v1/policies/what-if")).isEqualTo(Need.READ);
    assertThat(ApiAccess.need("PUT", "/api/v1/policies/what-if")).isEqualTo(Need.WRITE);
    assertThat(ApiAccess.need("POST", "/api/v1/policies/what-if/x")).isEqualTo(Need.WRITE);
    assertThat(ApiAccess.need("POST", "/api/v1/policies")).isEqualTo(Need.WRITE);
    assertThat(WITH_READ_AND_USERS.check("POST", "/api/v1/policies/what-if", "Bearer r-token"))
        .satisfies(verdict -> assertThat(verdict.allowed()).isTrue());
    assertThat(WITH_READ_AND_USERS.check("POST", "/api/v1/policies/what-if", null).refusal())
        .isEqualTo(Refusal.MISSING);
  }

  @Test
  void shouldRefuseAWriteWithoutOrWithAWrongToken() {
    assertThat(WRITE_ONLY.check("POST", "/api/v1/x", null).refusal()).isEqualTo(Refusal.MISSING);
    assertThat(WRITE_ONLY.check("POST", "/api/v1/x", "Bearer nope").refusal())
        .isEqualTo(Refusal.INVALID);
    assertThat(WRITE_ONLY.check("POST", "/api/v1/x", "Basic w-token").refusal())
        .isEqualTo(Refusal.INVALID);
    assertThat(WRITE_ONLY.check("POST", "/api/v1/x", "Bearer w-token-and-more").allowed())
        .isFalse();
  }

  @Test
  void shouldAcceptTheSchemeInAnyCase() {
    assertThat(WRITE_ONLY.check("POST", "/api/v1/x", "Bearer w-token").allowed()).isTrue();
    assertThat(WRITE_ONLY.check("POST", "/api/v1/x", "bearer w-token").allowed()).isTrue();
    assertThat(WRITE_ONLY.check("POST", "/api/v1/x", "BEARER  w-token ").allowed()).isTrue();
  }

  @Test
  void shouldLeaveReadsOpenWithoutAReadToken() {
    assertThat(WRITE_ONLY.check("GET", "/api/v1/x", null).allowed()).isTrue();
  }

  @Test
  void shouldNeedAnyTokenForReadsOnceAReadTokenIsSet() {
    assertThat(WITH_READ_AND_USERS.check("GET", "/api/v1/x", null).refusal())
        .isEqualTo(Refusal.MISSING);
    assertThat(WITH_READ_AND_USERS.check("GET", "/api/v1/x", "Bearer x").refusal())
        .isEqualTo(Refusal.INVALID);
    assertThat(WITH_READ_AND_USERS.check("GET", "/api/v1/x", "Bearer r-token").allowed()).isTrue();
    assertThat(WITH_READ_AND_USERS.check("GET", "/api/v1/x", "Bearer w-token").allowed()).isTrue();
    assertThat(WITH_READ_AND_USERS.check("GET", "/api/v1/x", "Bearer alice-token").allowed())
        .isTrue();
    assertThat(WITH_READ_AND_USERS.check("GET", "/actuator/prometheus", null).allowed()).isTrue();
  }

  @Test
  void shouldRefuseTheReadTokenOnAWrite() {
    assertThat(WITH_READ_AND_USERS.check("POST", "/api/v1/x", "Bearer r-token").refusal())
        .isEqualTo(Refusal.READ_ONLY);
  }

  @Test
  void shouldNameTheUserOfANamedToken() {
    var verdict = WITH_READ_AND_USERS.check("POST", "/api/v1/x", "Bearer alice-token");
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.user()).isEqualTo("alice");
    assertThat(WITH_READ_AND_USERS.check("POST", "/api/v1/x", "Bearer w-token").user()).isNull();
  }

  @Test
  void shouldRefuseAHeaderLongerThanAnyToken() {
    String tooLong = "Bearer " + "w".repeat(ApiToken.MAX_LENGTH + 20);
    assertThat(WRITE_ONLY.check("POST", "/api/v1/x", tooLong).refusal()).isEqualTo(Refusal.INVALID);
  }

  @Test
  void shouldBeOpenInTheLocalProfileWithoutAToken() {
    ApiAccess open = ApiAccess.configure(new SecurityProperties("", "", Map.of()), true);
    assertThat(open.writesOpen()).isTrue();
    assertThat(open.check("POST", "/api/v1/x", null).allowed()).isTrue();
  }

  @Test
  void shouldRefuseToStartWithoutAWriteTokenOutsideTheLocalProfile() {
    assertThatThrownBy(() -> ApiAccess.configure(new SecurityProperties(" ", "", Map.of()), false))
        .hasMessageContaining("redrive.security.api-token (env REDRIVE_API_TOKEN) is not set");
  }

  @Test
  void shouldRefuseSettingsThatCannotWorkNamingTheKey() {
    assertThatThrownBy(() -> ApiAccess.configure(new SecurityProperties("", "r", Map.of()), true))
        .hasMessageContaining("redrive.security.read-token and redrive.security.users need");
    assertThatThrownBy(() -> configure("same", "same", Map.of()))
        .hasMessageContaining("redrive.security.read-token is the same");
    assertThatThrownBy(() -> configure("w", "", Map.of("bob", " ")))
        .hasMessageContaining("redrive.security.users.bob is empty");
    assertThatThrownBy(() -> configure("w", "", Map.of("bob", "w")))
        .hasMessageContaining("redrive.security.users.bob is the same");
    assertThatThrownBy(() -> configure("w", "", Map.of("bob\nx", "b")))
        .hasMessageContaining("redrive.security.users.bob?x: a user name");
    assertThatThrownBy(() -> configure("w", "", Map.of("b".repeat(65), "b")))
        .hasMessageContaining("a user name has 1 to 64");
    assertThatThrownBy(() -> configure("w".repeat(ApiToken.MAX_LENGTH + 1), "", Map.of()))
        .hasMessageContaining("redrive.security.api-token is longer than 512 characters");
  }

  @Test
  void shouldNeverPrintATokenInToString() {
    var settings = new SecurityProperties("w-secret", "r-secret", Map.of("alice", "a-secret"));
    assertThat(settings.toString()).doesNotContain("secret").contains("alice");
    assertThat(ApiAccess.configure(settings, false).toString()).doesNotContain("secret");
    assertThat(ApiToken.ofSetting("w-secret").toString()).isEqualTo("ApiToken[****]");
  }

  @Test
  void shouldHashInlineStylesIntoThePolicy() {
    assertThat(ContentSecurityPolicy.withInlineStyles("body{}").value())
        .startsWith("default-src 'none';")
        .contains("frame-ancestors 'none'")
        // printf 'body{}' | openssl dgst -sha256 -binary | base64
        .endsWith("style-src 'sha256-fJgEClQWV1hGkK4qHMO0KotTsVnMYMXTq7/suurGyUo='");
  }

  @Test
  void shouldEscapeControlCharactersForTheLog() {
    assertThat(BearerTokenFilter.printable("/api\r\nINFO forged"))
        .isEqualTo("/api\\u000d\\u000aINFO forged");
  }

  private static ApiAccess configure(String write, String read, Map<String, String> users) {
    return ApiAccess.configure(new SecurityProperties(write, read, users), false);
  }

  @Test
  void shouldLetASignedInBrowserReadButNeverWrite() {
    ApiAccess access = WITH_READ_AND_USERS.withSignInPage("/login");
    java.time.Instant now = java.time.Instant.now();
    String session = access.signIn("r-token", now).orElseThrow();

    assertThat(session).doesNotContain("r-token");
    assertThat(access.check("GET", "/executions/x", null, session).allowed()).isTrue();
    assertThat(access.check("GET", "/api/v1/index/stream", null, session).allowed()).isTrue();
    assertThat(access.check("POST", "/api/v1/x", null, session).refusal())
        .isEqualTo(Refusal.MISSING);
    assertThat(access.check("GET", "/executions/x", null, session + "x").allowed()).isFalse();
    assertThat(access.check("GET", "/executions/x", null, "v1.99999999999.forged").allowed())
        .isFalse();
    assertThat(access.check("GET", "/executions/x", null, "x".repeat(10_000)).allowed()).isFalse();
    // the write token and a user's token sign in too; anything else does not
    assertThat(access.signIn("w-token", now)).isPresent();
    assertThat(access.signIn("alice-token", now)).isPresent();
    assertThat(access.signIn("nope", now)).isEmpty();
    assertThat(access.signIn("x".repeat(600), now)).isEmpty();
    // another read token: every session ends
    ApiAccess rotated =
        ApiAccess.configure(new SecurityProperties("w-token", "r-token-2", Map.of()), false);
    assertThat(rotated.check("GET", "/executions/x", null, session).allowed()).isFalse();
  }

  @Test
  void shouldEndASessionAfterItsLifetime() {
    PageSession session = new PageSession(ApiToken.digest("page-session:r-token"));
    java.time.Instant start = java.time.Instant.parse("2026-12-06T10:00:00Z");
    String value = session.issue(start);

    assertThat(session.valid(value, start.plus(PageSession.LIFETIME).minusSeconds(1))).isTrue();
    assertThat(session.valid(value, start.plus(PageSession.LIFETIME))).isFalse();
    assertThat(session.valid(null, start)).isFalse();
    assertThat(session).hasToString("PageSession[****]");
  }

  @Test
  void shouldOpenOnlyTheSignInPageAndOnlyWhereOneIsNamed() {
    ApiAccess access = WITH_READ_AND_USERS.withSignInPage("/login");

    assertThat(access.check("GET", "/login", null).allowed()).isTrue();
    assertThat(access.check("POST", "/login", null).allowed()).isTrue();
    assertThat(access.check("GET", "/login/x", null).allowed()).isFalse();
    assertThat(WITH_READ_AND_USERS.check("POST", "/login", null).allowed()).isFalse();
    assertThat(WRITE_ONLY.signIn("w-token", java.time.Instant.now())).isEmpty();
    assertThatThrownBy(() -> WITH_READ_AND_USERS.withSignInPage("/api/v1/login"))
        .hasMessageContaining("redrive.security.sign-in-page");
    assertThatThrownBy(() -> WITH_READ_AND_USERS.withSignInPage("login"))
        .hasMessageContaining("redrive.security.sign-in-page");
  }
}
