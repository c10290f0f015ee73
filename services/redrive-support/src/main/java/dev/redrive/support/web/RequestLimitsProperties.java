package dev.redrive.support.web;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of what one HTTP request may bring ({@code redrive.http.*}).
 *
 * @param maxRequestBytes largest request body a service reads, with or without a {@code
 *     Content-Length} (chunked bodies are counted while they are read); a larger one is answered
 *     413. The phase-runner sets a larger value, since a start carries its input files in base64
 */
@Validated
@ConfigurationProperties("redrive.http")
public record RequestLimitsProperties(@DefaultValue("2MB") @NotNull DataSize maxRequestBytes) {

  /** The key of {@link #maxRequestBytes}, as errors name it. */
  public static final String MAX_REQUEST_BYTES = "redrive.http.max-request-bytes";

  public RequestLimitsProperties {
    if (maxRequestBytes != null && maxRequestBytes.toBytes() < 1) {
      throw new IllegalArgumentException(
          MAX_REQUEST_BYTES + " must be at least 1 byte (e.g. 2MB), was " + maxRequestBytes);
    }
  }
}
