package dev.redrive.coordinator.config;

import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.Jitter;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RetryBudget;
import dev.redrive.coordinator.domain.RetryPolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * @param budget the retry budget, applied per pipeline and per source
 * @param pipelines policy overrides per pipeline, and per phase of a pipeline
 * @param sources other systems' failure topics, how to read them, and where their retry commands go
 * @param runnerSource the {@code source} name of Redrive's own phase-runner (only its executions
 *     can be resubmitted as new)
 * @param attemptConsumers consumers of {@code redrive.attempts} in this instance, each deciding its
 *     partitions' failures in its own transactions; empty = {@code redrive.kafka.partitions}, so
 *     that one instance uses every partition (the listener reads the same key; consumers beyond the
 *     topic's partitions stay idle)
 * @param attemptsFetchMinBytes bytes of {@code redrive.attempts} records that the broker gathers
 *     before it answers an attempts consumer's fetch, for at most {@code fetch.max.wait.ms} (100
 *     ms): under a steady stream the consumers decide batches of about a hundred failures instead
 *     of a dozen, which roughly halves the CPU per failure; a quiet topic waits at most that long
 *     (1 = Kafka's default, answer at once)
 * @param sourcesGroupId the consumer group in which the external sources' topics are read (the
 *     listeners of Redrive's own topics have fixed groups of their own)
 * @param deadLetters the bounds of listing and replaying dead letters
 * @param policies how the policies stored in the database are kept in force (the settings above
 *     seed them)
 * @param fingerprints how error fingerprints stop repeated failures and feed their history
 * @param whatIf the bounds of a what-if ({@code POST /api/v1/policies/what-if})
 */
@Validated
@ConfigurationProperties("redrive.coordinator")
public record CoordinatorProperties(
    @DefaultValue("redrive-coordinator") @NotBlank String source,
    @DefaultValue @Valid @NotNull Policy policy,
    @DefaultValue("65536") @Min(1024) int contextMaxChars,
    @DefaultValue @Valid @NotNull Budget budget,
    @DefaultValue Map<String, @Valid PipelineSettings> pipelines,
    @DefaultValue Map<String, @Valid SourceSettings> sources,
    @DefaultValue("redrive-runner") @NotBlank String runnerSource,
    @Min(1) Integer attemptConsumers,
    @DefaultValue("32768") @Min(1) int attemptsFetchMinBytes,
    @DefaultValue("redrive-coordinator") @NotBlank String sourcesGroupId,
    @DefaultValue @Valid @NotNull DeadLetterSettings deadLetters,
    @DefaultValue @Valid @NotNull PolicySettings policies,
    @DefaultValue @Valid @NotNull FingerprintsSettings fingerprints,
    @DefaultValue @Valid @NotNull WhatIfSettings whatIf) {

  /**
   * Policies as data ({@code redrive.coordinator.policies.*}).
   *
   * @param refreshInterval how often an instance checks whether another one changed the policies
   *     (one primary-key read); 100ms to 1m
   * @param maxExecutionOverrides executions that may have a policy override in force at once
   */
  public record PolicySettings(
      @DefaultValue("1s") @NotNull Duration refreshInterval,
      @DefaultValue("10000") @Min(1) @Max(1_000_000) int maxExecutionOverrides) {

    public PolicySettings {
      if (refreshInterval != null
          && (refreshInterval.toMillis() < 100
              || refreshInterval.compareTo(Duration.ofMinutes(1)) > 0)) {
        throw new IllegalArgumentException(
            "redrive.coordinator.policies.refresh-interval must be between 100ms and 1m, was "
                + refreshInterval);
      }
    }
  }

  /**
   * What-if replays ({@code redrive.coordinator.what-if.*}).
   *
   * @param maxAttempts attempts (failed and succeeded) one what-if reads at most; a window with
   *     more is cut there and the answer says so (about 1 KiB of heap each while it runs)
   */
  public record WhatIfSettings(@DefaultValue("100000") @Min(1) @Max(1_000_000) int maxAttempts) {}

  /**
   * Listing and replaying dead letters ({@code redrive.coordinator.dead-letters.*}).
   *
   * @param maxScanned records one listing or replay reads at most; it stops early there and says so
   * @param scanTimeout how long one listing or replay may read; it stops early there and says so
   * @param maxReplay dead letters one replay takes at most (its {@code limit})
   * @param maxRate the highest {@code ratePerSecond} a replay may ask for
   * @param defaultRate the rate of a replay that asks for none
   * @param maxReplayDuration how long the sends of one replay may take at its rate (a replay runs
   *     within its HTTP request); a longer one is refused before anything is sent
   * @param sizeInterval how often the gauge {@code redrive.dlt.letters} reads the topics' offsets
   */
  public record DeadLetterSettings(
      @DefaultValue("10000") @Min(1) @Max(1_000_000) int maxScanned,
      @DefaultValue("10s") @NotNull Duration scanTimeout,
      @DefaultValue("1000") @Min(1) @Max(100_000) int maxReplay,
      @DefaultValue("1000") @Min(1) @Max(100_000) int maxRate,
      @DefaultValue("10") @Min(1) int defaultRate,
      @DefaultValue("20s") @NotNull Duration maxReplayDuration,
      @DefaultValue("30s") @NotNull Duration sizeInterval) {

    public DeadLetterSettings {
      if (defaultRate > maxRate) {
        throw new IllegalArgumentException(
            "redrive.coordinator.dead-letters.default-rate (%d) is above max-rate (%d)"
                .formatted(defaultRate, maxRate));
      }
      if (sizeInterval != null && sizeInterval.toMillis() < 1000) {
        throw new IllegalArgumentException(
            "redrive.coordinator.dead-letters.size-interval must be at least 1s, was "
                + sizeInterval);
      }
    }
  }

  /**
   * Error fingerprints ({@code redrive.coordinator.fingerprints.*}, README "Error fingerprints").
   *
   * @param stopRepeated whether the same failure (same fingerprint) on unchanged inputs and
   *     artifacts (equal, known digests) stops automatic retries and asks a person
   * @param repeatedCount identical consecutive failures that stop (2 = the first repetition)
   * @param stopTypes the failure types the stop applies to (never TIMEOUT, INFRASTRUCTURE or
   *     INTERRUPTED, which repeat by nature)
   * @param maxClasses distinct {@code class} tags of {@code redrive_failures_by_fingerprint_total}
   *     one instance keeps; later classes count as {@code other}
   * @param suggestMinRetries retries of a fingerprint that must have ended before its history
   *     suggests marking it non-retryable
   * @param suggestBelowRate the success rate of those retries under which it suggests it
   * @param historyDefaultWindow how far back {@code GET /api/v1/fingerprints} reads without {@code
   *     since}
   * @param historyMaxWindow how far back a {@code since} may reach
   */
  public record FingerprintsSettings(
      @DefaultValue("true") boolean stopRepeated,
      @DefaultValue("2") @Min(2) @Max(100) int repeatedCount,
      @DefaultValue({"COMMAND_FAILED", "EXIT_CRITERIA_NOT_MET", "MISSING_OUTPUT", "OTHER"})
          Set<FailureType> stopTypes,
      @DefaultValue("50") @Min(1) @Max(1000) int maxClasses,
      @DefaultValue("10") @Min(1) int suggestMinRetries,
      @DefaultValue("0.1") @DecimalMin("0.0") @DecimalMax("1.0") double suggestBelowRate,
      @DefaultValue("7d") @NotNull Duration historyDefaultWindow,
      @DefaultValue("90d") @NotNull Duration historyMaxWindow) {}

  /**
   * @param maxAttempts attempts of a phase in all, the first included (2 = one automatic retry)
   * @param initialInterval back-off before the first retry
   * @param multiplier growth of the back-off per further retry
   * @param maxInterval cap on any back-off
   * @param jitter FULL (random between zero and the back-off) or NONE
   * @param nonRetryable failure types that always go to a person
   * @param deadline how long after a phase's first failure retries may still start (empty = none)
   */
  public record Policy(
      @DefaultValue("2") @Min(1) int maxAttempts,
      @DefaultValue("1s") @NotNull Duration initialInterval,
      @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
      @DefaultValue("5m") @NotNull Duration maxInterval,
      @DefaultValue("FULL") @NotNull Jitter jitter,
      @DefaultValue Set<FailureType> nonRetryable,
      Duration deadline) {

    public RetryPolicy toRetryPolicy() {
      return new RetryPolicy(
          maxAttempts,
          initialInterval,
          multiplier,
          maxInterval,
          jitter,
          nonRetryable == null ? Set.of() : nonRetryable,
          deadline);
    }
  }

  /** Part of a policy: what is set replaces the value it overrides. */
  public record PolicyOverrideSettings(
      @Min(1) Integer maxAttempts,
      Duration initialInterval,
      @DecimalMin("1.0") Double multiplier,
      Duration maxInterval,
      Jitter jitter,
      Set<FailureType> nonRetryable,
      Duration deadline) {

    public PolicyOverride toOverride() {
      return new PolicyOverride(
          maxAttempts, initialInterval, multiplier, maxInterval, jitter, nonRetryable, deadline);
    }
  }

  /**
   * @param policy overrides for every phase of the pipeline
   * @param phases overrides for one phase (applied after the pipeline's)
   */
  public record PipelineSettings(
      @Valid PolicyOverrideSettings policy, Map<String, @Valid PolicyOverrideSettings> phases) {}

  /**
   * @param ratio retries per attempt allowed in the window (0.2 = at most 20% of attempts are
   *     retries)
   * @param window how far back attempts and retries are counted
   * @param minRetries retries always allowed in a window, whatever the ratio
   */
  public record Budget(
      @DefaultValue("0.2") @DecimalMin("0.0") @DecimalMax("1.0") double ratio,
      @DefaultValue("1m") @NotNull Duration window,
      @DefaultValue("10") @Min(0) int minRetries) {

    public RetryBudget toRetryBudget() {
      return new RetryBudget(ratio, window, minRetries);
    }
  }

  /** How the records of another system's failure topic are read. */
  public enum Format {
    JSON,
    AVRO
  }

  /**
   * A system that publishes failures on a topic of its own, in its own format.
   *
   * @param topic the topic its failures arrive on
   * @param format JSON, or AVRO (Confluent wire format, with the configured registry)
   * @param commandTopic where its RetryCommands go (CommandEvent, Avro); empty = redrive.commands
   * @param policy overrides of the default policy for its failures
   * @param mapping where each field of a failure is in its records
   * @param attributes further field paths kept with the attempt as attributes
   * @param maxBatch records of one poll of the topic (its consumer's {@code max.poll.records}),
   *     decided together in one transaction; 1 to 5,000 (each batch holds its locks, and the retry
   *     budget's, until its commit)
   * @param fetchMinBytes bytes of the topic's records that the broker gathers before it answers a
   *     fetch, for at most {@code fetch.max.wait.ms} (100 ms): a steady stream then arrives in
   *     fuller batches, as on redrive.attempts ({@code attempts-fetch-min-bytes}); 1 = answer at
   *     once; at most 1 MiB
   */
  public record SourceSettings(
      @NotBlank String topic,
      @DefaultValue("JSON") @NotNull Format format,
      @DefaultValue("") String commandTopic,
      @Valid PolicyOverrideSettings policy,
      @Valid @NotNull Mapping mapping,
      @DefaultValue List<String> attributes,
      @DefaultValue("500") @Min(1) @Max(5000) int maxBatch,
      @DefaultValue("32768") @Min(1) @Max(1_048_576) int fetchMinBytes) {}

  /**
   * Field paths (dot-separated: {@code order.id}) of a failure in a source's records. Required:
   * execution id, phase and message; the rest may be absent (attempt numbers are then counted by
   * Redrive, ids come from the record's topic, partition and offset).
   */
  public record Mapping(
      @NotBlank String executionId,
      @NotBlank String phase,
      @NotBlank String message,
      String pipeline,
      String attempt,
      String attemptId,
      String eventId,
      String failureType,
      String errorType,
      String retryable,
      String retryAfterMs) {}
}
