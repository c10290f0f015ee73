package dev.redrive.coordinator.config;

import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.Jitter;
import dev.redrive.coordinator.domain.RetryPolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the retry-coordinator ({@code redrive.coordinator.*}).
 *
 * @param source name written in the {@code source} field of the events the coordinator produces
 * @param policy the default retry policy
 * @param contextMaxChars bound on the characters of messages and excerpts in one retry context
 */
@Validated
@ConfigurationProperties("redrive.coordinator")
public record CoordinatorProperties(
    @DefaultValue("redrive-coordinator") @NotBlank String source,
    @DefaultValue @Valid @NotNull Policy policy,
    @DefaultValue("65536") @Min(1024) int contextMaxChars) {

  /**
   * @param maxAttempts attempts of a phase in all, the first included (2 = one automatic retry)
   * @param initialInterval back-off before the first retry
   * @param multiplier growth of the back-off per further retry
   * @param maxInterval cap on any back-off
   * @param jitter FULL (random between zero and the back-off) or NONE
   * @param nonRetryable failure types that always go to a person
   */
  public record Policy(
      @DefaultValue("2") @Min(1) int maxAttempts,
      @DefaultValue("1s") @NotNull Duration initialInterval,
      @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
      @DefaultValue("5m") @NotNull Duration maxInterval,
      @DefaultValue("FULL") @NotNull Jitter jitter,
      @DefaultValue Set<FailureType> nonRetryable) {

    public RetryPolicy toRetryPolicy() {
      return new RetryPolicy(
          maxAttempts,
          initialInterval,
          multiplier,
          maxInterval,
          jitter,
          nonRetryable == null ? Set.of() : nonRetryable);
    }
  }
}
