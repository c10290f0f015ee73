package dev.redrive.bench;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.Retryability;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.id.TimeOrderedIds;
import dev.redrive.support.topic.RedriveTopics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The failures the benchmark feeds: {@code AttemptFailed} events as Redrive's runner publishes them
 * (key = execution id), each the first SOFT failure of another phase, so that each one is decided
 * as a retry under the default policy.
 */
final class FailureEvents implements AutoCloseable {

  static final String PIPELINE = "bench";
  static final String SOURCE = "redrive-runner";

  private final KafkaProducer<String, Object> producer;

  /**
   * The paced latency producer's {@code linger.ms}: Kafka's default since 4.0 (KIP-1030), which the
   * phase-runner and most producers keep. With 0 every failure was a produce request of its own,
   * and at 1,600 failures/s the broker's request handlers spent about 160 us of CPU per failure on
   * them: CPU that the pipe and Redrive need on two cores.
   */
  static final int PACED_LINGER_MS = 5;

  /**
   * @param lingerMs 20 for bulk loading, {@link #PACED_LINGER_MS} for the paced latency producer
   */
  FailureEvents(String bootstrapServers, String registryUrl, int lingerMs) {
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", registryUrl), false);
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                lingerMs,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024,
                ProducerConfig.CLIENT_ID_CONFIG,
                "bench-failures-" + UUID.randomUUID()),
            new StringSerializer(),
            serializer);
  }

  /**
   * The i-th failure of a set over {@code executions} executions: execution {@code i % executions},
   * phase {@code i / executions}, attempt 1 (so the phases of one execution are spread over the
   * stream, as concurrent executions would report them).
   */
  static AttemptEvent failure(String prefix, int i, int executions, Long retryAfterMs) {
    String executionId = prefix + "-" + (i % executions);
    String phase = "phase-" + (i / executions);
    return AttemptEvent.newBuilder()
        .setEventId(TimeOrderedIds.uuid())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource(SOURCE)
        .setPipeline(PIPELINE)
        .setPayload(
            AttemptFailed.newBuilder()
                // ids as the runner makes them: they sort by the millisecond they were made
                .setAttemptId(TimeOrderedIds.prefixed("att_"))
                .setPhase(phase)
                .setAttemptNumber(1)
                .setFailureType(FailureType.EXIT_CRITERIA_NOT_MET)
                .setRetryable(Retryability.SOFT)
                .setErrorType("check failed")
                .setErrorMessage("balance check failed: expected >= 0.00, got -3.00")
                .setExitCode(1)
                .setDurationMs(1200)
                .setChecks(
                    List.of(
                        CheckResult.newBuilder()
                            .setName("balance")
                            .setPassed(false)
                            .setOutputExcerpt("-3.00")
                            .build(),
                        CheckResult.newBuilder().setName("currency").setPassed(true).build()))
                .setRetryAfterMs(retryAfterMs)
                .build())
        .build();
  }

  /** Sends {@code count} failures as fast as the broker takes them and waits for every ack. */
  void sendAll(int count, LongFunction<AttemptEvent> event) {
    for (int i = 0; i < count; i++) {
      AttemptEvent e = event.apply(i);
      producer.send(new ProducerRecord<>(RedriveTopics.ATTEMPTS.name(), e.getExecutionId(), e));
    }
    producer.flush();
  }

  /** When a paced failure was sent: {@link System#nanoTime()} and wall-clock milliseconds. */
  record Sent(long nanos, long millis) {}

  /**
   * Sends {@code count} failures to {@code topic} at {@code perSecond}, noting in {@code sentAt}
   * when each one was sent, by event id (before it is sent, so that a reader never sees an event it
   * cannot place).
   */
  void sendPaced(
      String topic,
      int count,
      double perSecond,
      LongFunction<AttemptEvent> event,
      Map<String, Sent> sentAt) {
    long start = System.nanoTime();
    double interval = 1e9 / perSecond;
    for (int i = 0; i < count; i++) {
      long due = start + (long) (i * interval);
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      AttemptEvent e = event.apply(i);
      sentAt.put(e.getEventId(), new Sent(System.nanoTime(), e.getOccurredAt().toEpochMilli()));
      producer.send(new ProducerRecord<>(topic, e.getExecutionId(), e));
    }
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
