package dev.redrive.audit.config;

import dev.redrive.audit.domain.Retention;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the audit service ({@code redrive.audit.*}).
 *
 * @param retention how long an event is kept, counted from when it occurred (e.g. {@code 30d});
 *     {@code 0} keeps every event forever
 * @param retentionInterval how often events older than the retention are looked for
 * @param retentionBatchSize events deleted per statement when purging
 * @param streamTimeout how long one event stream stays open; a client such as a browser's
 *     EventSource then reconnects with {@code Last-Event-ID} and misses nothing
 * @param streamCatchUpInterval how often open streams are checked against the database (events
 *     other audit instances stored) and sent a heartbeat (which closes the streams of clients that
 *     went away)
 */
@Validated
@ConfigurationProperties("redrive.audit")
public record AuditProperties(
    @DefaultValue("0") @NotNull Duration retention,
    @DefaultValue("1h") @NotNull Duration retentionInterval,
    @DefaultValue("1000") @Min(1) int retentionBatchSize,
    @DefaultValue("30m") @NotNull Duration streamTimeout,
    @DefaultValue("5s") @NotNull Duration streamCatchUpInterval) {

  public AuditProperties {
    requireNotNegative("redrive.audit.retention", retention);
    requirePositive("redrive.audit.retention-interval", retentionInterval);
    requirePositive("redrive.audit.stream-timeout", streamTimeout);
    requirePositive("redrive.audit.stream-catch-up-interval", streamCatchUpInterval);
  }

  public Retention toRetention() {
    return new Retention(retention);
  }

  private static void requireNotNegative(String key, Duration value) {
    if (value != null && value.isNegative()) {
      throw new IllegalArgumentException(
          key + " must be 0 (keep forever) or a positive duration such as 30d, was " + value);
    }
  }

  private static void requirePositive(String key, Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException(key + " must be a positive duration, was " + value);
    }
  }
}
