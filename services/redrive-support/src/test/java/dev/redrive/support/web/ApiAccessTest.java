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
}
