package dev.redrive.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Tails a topic from given offsets with a {@code read_committed} consumer (no group), counts what
 * becomes visible and notes when the expected count was reached. An observer sees each record with
 * the {@link System#nanoTime()} at which its poll returned.
 */
final class TopicCounter implements AutoCloseable {

  /** Sees each record and the time it was received. */
  interface Observer {
    void seen(ConsumerRecord<byte[], byte[]> record, long receivedNanos);
  }

  private final String topic;
  private final long expected;
  private final Observer observer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AtomicLong count = new AtomicLong();
  private final CountDownLatch reached = new CountDownLatch(1);
  private final Thread thread;
  private volatile long reachedAtNanos;
  private volatile boolean running = true;
  private volatile RuntimeException failure;

  TopicCounter(
      String bootstrapServers,
      String topic,
      Map<TopicPartition, Long> from,
      long expected,
      Observer observer) {
    this.topic = topic;
    this.expected = expected;
    this.observer = observer;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "bench-counter-" + UUID.randomUUID(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                2000),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions = List.copyOf(from.keySet());
    consumer.assign(partitions);
    from.forEach(consumer::seek);
    this.thread = new Thread(this::run, "bench-counter-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
        if (records.isEmpty()) {
          continue;
        }
        long now = System.nanoTime();
        if (observer != null) {
          for (ConsumerRecord<byte[], byte[]> record : records) {
            observer.seen(record, now);
          }
        }
        if (count.addAndGet(records.count()) >= expected && reachedAtNanos == 0) {
          reachedAtNanos = now;
          reached.countDown();
        }
      }
    } catch (RuntimeException e) {
      if (running) {
        failure = e;
        reached.countDown();
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  long count() {
    return count.get();
  }

  /**
   * Waits until the expected count is reached, printing progress every 10 s; fails when nothing new
   * arrived for {@code stall}. Returns the {@link System#nanoTime()} of the poll that reached it.
   */
  long awaitExpected(long startNanos, Duration stall, String what) throws InterruptedException {
    long last = -1;
    long lastChange = System.nanoTime();
    long previous = 0;
    long previousAt = startNanos;
    while (!reached.await(10, TimeUnit.SECONDS)) {
      long now = System.nanoTime();
      long seen = count.get();
      double recent = (seen - previous) / ((now - previousAt) / 1e9);
      previous = seen;
      previousAt = now;
      if (seen != last) {
        last = seen;
        lastChange = now;
      } else if (now - lastChange > stall.toNanos()) {
        throw new IllegalStateException(
            what
                + ": no progress on "
                + topic
                + " for "
                + stall.toSeconds()
                + " s ("
                + seen
                + " of "
                + expected
                + " records)");
      }
      Report.progress(
          "  %s: %,d of %,d on %s after %.0f s (%,.0f/s so far, %,.0f/s in the last 10 s)",
          what,
          seen,
          expected,
          topic,
          (now - startNanos) / 1e9,
          seen / ((now - startNanos) / 1e9),
          recent);
    }
    if (failure != null) {
      throw new IllegalStateException("counter of " + topic + " failed", failure);
    }
    return reachedAtNanos;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
