package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.runner.domain.HttpAnswer.Verdict;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpAnswerTest {

  @ParameterizedTest
  @CsvSource({
    "200, SUCCESS",
    "201, SUCCESS",
    "204, SUCCESS",
    "299, SUCCESS",
    "500, SOFT_FAILURE",
    "502, SOFT_FAILURE",
    "503, SOFT_FAILURE",
    "408, SOFT_FAILURE",
    "429, SOFT_FAILURE",
    "400, HARD_FAILURE",
    "401, HARD_FAILURE",
    "404, HARD_FAILURE",
    "422, HARD_FAILURE",
    "302, HARD_FAILURE",
    "100, HARD_FAILURE"
  })
  void shouldClassifyEachStatus(int status, Verdict verdict) {
    assertThat(HttpAnswer.verdict(status)).isEqualTo(verdict);
  }

  @Test
  void shouldReadRetryAfterAsSecondsOrAsADate() {
    Instant now = Instant.parse("2026-11-23T10:00:00Z");

    assertThat(HttpAnswer.retryAfterMillis("120", now)).isEqualTo(120_000L);
    assertThat(HttpAnswer.retryAfterMillis("Mon, 23 Nov 2026 10:00:30 GMT", now))
        .isEqualTo(30_000L);
    assertThat(HttpAnswer.retryAfterMillis("Mon, 23 Nov 2026 09:00:00 GMT", now)).isZero();
    assertThat(HttpAnswer.retryAfterMillis("soon", now)).isNull();
    assertThat(HttpAnswer.retryAfterMillis(null, now)).isNull();
  }
}
