package dev.redrive.support.config;

import dev.redrive.support.limits.InputLimits;
import dev.redrive.support.outbox.OutboxShards;
import dev.redrive.support.retention.Retention;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings every Redrive service shares ({@code redrive.kafka.*}, {@code redrive.outbox.*}, {@code
 * redrive.limits.*}, {@code redrive.processed-events.*}).
 *
 * @param kafka how the service uses Kafka beyond the standard {@code spring.kafka.*} keys
 * @param outbox how the outbox relay publishes
 * @param limits the bounds of what enters a service (REST requests and consumed events); keep them
 *     equal in every service, so what one accepts the next one does too
 * @param processedEvents how long the ids of consumed events are kept to recognise a redelivery
 */
@Validated
@ConfigurationProperties("redrive")
public record RedriveProperties(
    @DefaultValue @Valid @NotNull Kafka kafka,
    @DefaultValue @Valid @NotNull Outbox outbox,
    @DefaultValue @Valid @NotNull Limits limits,
    @DefaultValue @Valid @NotNull Processed processedEvents) {

  /** The shortest retention of processed-event ids, other than 0 (forever). */
  public static final Duration MIN_PROCESSED_RETENTION = Duration.ofHours(1);

  /**
   * @param createTopics create the Redrive topics and their dead-letter topics at start when
   *     missing
   * @param partitions partitions of each topic created (the unit of parallelism per consumer group)
   * @param replicationFactor replicas of each topic created (1 for a single broker, 3 in
   *     production)
   * @param handlerRetries how often a record whose handler threw is retried before it goes to the
   *     DLT (decoding errors and invalid events are never retried)
   * @param handlerRetryInterval pause between those retries, and the first pause while a dependency
   *     is down
   * @param outageMaxRetryInterval longest pause between two tries of a record that failed because
   *     the database or the schema registry is down (it is retried until they are back)
   */
  public record Kafka(
      @DefaultValue("true") boolean createTopics,
      @DefaultValue("3") @Min(1) int partitions,
      @DefaultValue("1") @Min(1) short replicationFactor,
      @DefaultValue("2") @Min(0) int handlerRetries,
      @DefaultValue("1s") @NotNull Duration handlerRetryInterval,
      @DefaultValue("10s") @NotNull Duration outageMaxRetryInterval) {}

  /**
   * @param enabled run the outbox relay (off for a service that publishes nothing)
   * @param pollInterval longest wait between two looks at the outbox table
   * @param batchSize outbox rows published per transaction (a row holds the messages that one
   *     transaction wrote with one due time, up to about 7 kB)
   * @param sendTimeout how long to wait for the broker to acknowledge a batch
   * @param retryBackoff wait after a failed batch before trying again
   * @param maxMessageBytes the largest Kafka record an event may become (payload, key, headers and
   *     record overhead); a larger event fails the transaction that writes it. Keep it below the
   *     producer's {@code max.request.size} (checked at start) and the broker's {@code
   *     message.max.bytes}, both about 1 MiB by default
   * @param transactionalIdPrefix the start of the relay producer's {@code transactional.id}, one
   *     per service ({@code redrive-runner-outbox-}, {@code redrive-coordinator-outbox-}): the
   *     Kafka ACLs grant each service's principal only its own prefix
   * @param shards how many shards the outbox table is published in (1 to 64): the instances' relays
   *     share them, each publishing its share in parallel with the others; it must equal the
   *     table's count, which changes only when one instance starts with a new count while no other
   *     runs (see {@link dev.redrive.support.outbox.OutboxShards})
   */
  public record Outbox(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("500ms") @NotNull Duration pollInterval,
      @DefaultValue("500") @Min(1) int batchSize,
      @DefaultValue("30s") @NotNull Duration sendTimeout,
      @DefaultValue("2s") @NotNull Duration retryBackoff,
      @DefaultValue("1000000") @Min(1024) int maxMessageBytes,
      @DefaultValue("redrive-outbox-") @Pattern(regexp = "[A-Za-z0-9._-]{1,100}")
          String transactionalIdPrefix,
      @DefaultValue("1") @Min(1) @Max(OutboxShards.MAX) int shards) {}

  /**
   * Bounds of the fields where data enters (see {@link InputLimits}; ids, names and paths have
   * fixed limits). A value over one is answered 413/400 over REST and dead-lettered on Kafka.
   *
   * @param maxTextBytes UTF-8 bytes of one free-text field of an event (an error message, a log or
   *     check excerpt, an error report, a reason)
   * @param maxNoteBytes UTF-8 bytes of a note or reason a person writes (retry and resume notes,
   *     cancel reasons)
   * @param maxParameters parameters of one execution
   * @param maxParameterBytes UTF-8 bytes of one parameter value
   * @param maxParametersBytes UTF-8 bytes of all parameter names and values of one execution
   * @param maxInputFiles input files of one start request
   * @param maxInputFileBytes decoded bytes of one input file
   * @param maxInputBytes decoded bytes of all input files of one start request
   */
  public record Limits(
      @DefaultValue("262144") @Min(1024) @Max(1_048_576) int maxTextBytes,
      @DefaultValue("16384") @Min(256) @Max(1_048_576) int maxNoteBytes,
      @DefaultValue("64") @Min(0) @Max(10_000) int maxParameters,
      @DefaultValue("65536") @Min(256) @Max(1_048_576) int maxParameterBytes,
      @DefaultValue("262144") @Min(256) @Max(1_048_576) int maxParametersBytes,
      @DefaultValue("64") @Min(0) @Max(10_000) int maxInputFiles,
      @DefaultValue("8388608") @Min(1) long maxInputFileBytes,
      @DefaultValue("33554432") @Min(1) long maxInputBytes) {

    /** The plain-Java bounds these settings describe. */
    public InputLimits toInputLimits() {
      return new InputLimits(
          maxTextBytes,
          maxNoteBytes,
          maxParameters,
          maxParameterBytes,
          maxParametersBytes,
          maxInputFiles,
          maxInputFileBytes,
          maxInputBytes);
    }
  }

  /**
   * The processed-event log ({@link dev.redrive.support.outbox.ProcessedEvents}): a consumer
   * recognises a redelivered event by its id as long as the id is kept.
   *
   * @param retention how long an id is kept, from when its event was processed: at least the
   *     longest retention of the topics the service consumes ({@code retention.ms}, 7 days by
   *     Kafka's default), since a record can be delivered again only while its topic holds it (a
   *     consumer group set back, a replay). 0 keeps every id forever; otherwise at least 1h
   * @param purgeInterval how often ids older than the retention are looked for
   * @param purgeBatchSize ids deleted per statement
   */
  public record Processed(
      @DefaultValue("7d") @NotNull Duration retention,
      @DefaultValue("5m") @NotNull Duration purgeInterval,
      @DefaultValue("10000") @Min(1) @Max(1_000_000) int purgeBatchSize) {

    public Processed {
      if (retention != null
          && (retention.isNegative()
              || (!retention.isZero() && retention.compareTo(MIN_PROCESSED_RETENTION) < 0))) {
        throw new IllegalArgumentException(
            "redrive.processed-events.retention must be 0 (keep every id) or at least 1h, was "
                + retention);
      }
      if (purgeInterval != null && (purgeInterval.isNegative() || purgeInterval.isZero())) {
        throw new IllegalArgumentException(
            "redrive.processed-events.purge-interval must be positive, was " + purgeInterval);
      }
    }

    /** The retention as the purge applies it. */
    public Retention toRetention() {
      return new Retention(retention);
    }
  }
}
