package dev.redrive.faults;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.Retryability;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.topic.RedriveTopics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the runner (and a careless publisher): sends a planned list of records at a steady rate in
 * a thread of its own, so that faults can be injected while the stream flows. Notes when each
 * failure was first sent.
 */
final class FailureStream implements AutoCloseable {

  static final String PIPELINE = "faults";
  static final String SOURCE = "redrive-runner";

  /** One record to send; {@code failureKey} is set for the first copy of a valid failure. */
  record Outgoing(String topic, String key, Object value, String failureKey) {}

  private final KafkaProducer<String, Object> producer;
  private final AtomicInteger sent = new AtomicInteger();
  private final Map<String, Long> firstSentNanos = new ConcurrentHashMap<>();
  private volatile Thread thread;
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile RuntimeException failure;

  FailureStream(String bootstrapServers, String registryUrl) {
    RedriveAvroSerializer avro = new RedriveAvroSerializer();
    avro.configure(Map.of("schema.registry.url", registryUrl), false);
    Serializer<Object> values =
        (topic, value) -> value instanceof byte[] bytes ? bytes : avro.serialize(topic, value);
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                300_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                300_000),
            new StringSerializer(),
            values);
  }

  /** Key of a failure: execution and phase. */
  static String key(String executionId, String phase) {
    return executionId + "/" + phase;
  }

  /**
   * The i-th failure of a stream over {@code executions} executions: execution {@code i %
   * executions}, phase {@code i / executions}, attempt 1 (a SOFT failure, so each one is retried
   * once under the default policy of two attempts).
   */
  static AttemptEvent failure(String prefix, int i, int executions) {
    return failure(prefix + "-" + (i % executions), "phase-" + (i / executions), 1);
  }

  static AttemptEvent failure(String executionId, String phase, int attempt) {
    return AttemptEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource(SOURCE)
        .setPipeline(PIPELINE)
        .setPayload(
            AttemptFailed.newBuilder()
                .setAttemptId(executionId + "-" + phase + "-" + attempt)
                .setPhase(phase)
                .setAttemptNumber(attempt)
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
                            .build()))
                .build())
        .build();
  }

  static Outgoing outgoing(AttemptEvent event) {
    AttemptFailed failed = (AttemptFailed) event.getPayload();
    return new Outgoing(
        RedriveTopics.ATTEMPTS.name(),
        event.getExecutionId(),
        event,
        key(event.getExecutionId(), failed.getPhase()));
  }

  /** Sends the plan in a thread of its own at {@code perSecond} records a second. */
  void startPaced(List<Outgoing> plan, double perSecond) {
    startPaced(plan, perSecond, 0);
  }

  /**
   * Sends the plan in a thread of its own at {@code perSecond} records a second, but holds its last
   * {@code held} records back until {@link #release()}: a fault case whose faults must fall inside
   * the stream keeps it flowing however slowly the faults go on a loaded machine.
   */
  void startPaced(List<Outgoing> plan, double perSecond, int held) {
    thread =
        new Thread(
            () -> {
              try {
                long start = System.nanoTime();
                double interval = 1e9 / perSecond;
                for (int i = 0; i < plan.size(); i++) {
                  if (i == plan.size() - held) {
                    released.await();
                    start = System.nanoTime() - (long) (i * interval);
                  }
                  long due = start + (long) (i * interval);
                  long wait;
                  while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  send(plan.get(i));
                }
                producer.flush();
              } catch (RuntimeException e) {
                failure = e;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "failure-stream");
    thread.setDaemon(true);
    thread.start();
  }

  /** Lets the records held back by {@link #startPaced(List, double, int)} go. */
  void release() {
    released.countDown();
  }

  /** Sends one record now. */
  void send(Outgoing record) {
    if (record.failureKey() != null) {
      firstSentNanos.putIfAbsent(record.failureKey(), System.nanoTime());
    }
    producer.send(
        new ProducerRecord<>(record.topic(), record.key(), record.value()),
        (metadata, exception) -> {
          if (exception != null) {
            failure = new IllegalStateException("a record of the stream was not sent", exception);
          }
        });
    sent.incrementAndGet();
  }

  void flush() {
    producer.flush();
  }

  /** Waits until every record of the plan was handed to the producer and acknowledged. */
  void awaitSent() throws InterruptedException {
    if (thread != null) {
      thread.join();
    }
    producer.flush();
    if (failure != null) {
      throw failure;
    }
  }

  int sent() {
    return sent.get();
  }

  /** When the first copy of each failure was sent (System.nanoTime), by failure key. */
  Map<String, Long> firstSentNanos() {
    return firstSentNanos;
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.interrupt();
    }
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
