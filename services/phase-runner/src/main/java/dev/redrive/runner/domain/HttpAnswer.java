package dev.redrive.runner.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** How the runner reads the answer of an http phase. */
public final class HttpAnswer {

  /** What an http status means for the attempt. */
  public enum Verdict {
    /** 2xx. */
    SUCCESS,
    /** 5xx, 408 Request Timeout, 429 Too Many Requests: a retry may help. */
    SOFT_FAILURE,
    /** Any other status (4xx, an unfollowed redirect): the request itself is wrong. */
    HARD_FAILURE
  }

  private HttpAnswer() {}

  public static Verdict verdict(int status) {
    if (status >= 200 && status < 300) {
      return Verdict.SUCCESS;
    }
    if (status >= 500 || status == 408 || status == 429) {
      return Verdict.SOFT_FAILURE;
    }
    return Verdict.HARD_FAILURE;
  }

  /**
   * The delay a {@code Retry-After} header asks for: delta-seconds or an HTTP date; null when the
   * header is absent or unreadable. A date in the past means no delay.
   */
  public static Long retryAfterMillis(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.strip();
    if (value.matches("\\d{1,9}")) {
      return Duration.ofSeconds(Long.parseLong(value)).toMillis();
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Math.max(0, Duration.between(now, at).toMillis());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
