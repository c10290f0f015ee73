package dev.redrive.support.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings every Redrive service shares ({@code redrive.kafka.*}, {@code redrive.outbox.*}).
 *
 * @param kafka how the service uses Kafka beyond the standard {@code spring.kafka.*} keys
 * @param outbox how the outbox relay publishes
 */
@Validated
@ConfigurationProperties("redrive")
public record RedriveProperties(
    @DefaultValue @Valid @NotNull Kafka kafka, @DefaultValue @Valid @NotNull Outbox outbox) {

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
   */
  public record Outbox(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("500ms") @NotNull Duration pollInterval,
      @DefaultValue("500") @Min(1) int batchSize,
      @DefaultValue("30s") @NotNull Duration sendTimeout,
      @DefaultValue("2s") @NotNull Duration retryBackoff,
      @DefaultValue("1000000") @Min(1024) int maxMessageBytes) {}
}
