package dev.redrive.support.outbox;

import dev.redrive.support.kafka.RedriveHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes due outbox rows to Kafka and deletes them once the broker has acknowledged them
 * (idempotent producer, {@code acks=all}). Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so
 * several instances of a service share the work without sending a row twice while it is claimed.
 *
 * <p>Guarantee: at least once. A crash between the broker's acknowledgement and the database commit
 * publishes that batch again; every Redrive consumer deduplicates by {@code eventId}.
 */
public class OutboxRelay implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private final JdbcClient jdbc;
  private final TransactionTemplate transaction;
  private final KafkaTemplate<String, byte[]> kafka;
  private final OutboxSettings settings;
  private final Semaphore wakeUp = new Semaphore(0);
  private final MeterRegistry meters;
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong oldestAgeMillis = new AtomicLong();
  private volatile boolean running;
  private Thread worker;

  public OutboxRelay(
      JdbcClient jdbc,
      TransactionTemplate transaction,
      KafkaTemplate<String, byte[]> kafka,
      OutboxSettings settings,
      MeterRegistry meters) {
    this.jdbc = jdbc;
    this.transaction = transaction;
    this.kafka = kafka;
    this.settings = settings;
    this.meters = meters;
    Gauge.builder("redrive.outbox.backlog", backlog, AtomicLong::get)
        .description("Outbox rows waiting (due or scheduled)")
        .register(meters);
    Gauge.builder("redrive.outbox.oldest.age", oldestAgeMillis, a -> a.get() / 1000.0)
        .description("Seconds the oldest due outbox row has been waiting")
        .baseUnit("seconds")
        .register(meters);
  }

  /** Asks the relay to look for due rows now (called after a transaction that added rows). */
  public void wakeUp() {
    wakeUp.release();
  }

  @Override
  public void start() {
    running = true;
    worker = new Thread(this::run, "outbox-relay");
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public void stop() {
    running = false;
    wakeUp.release();
    try {
      worker.join(settings.sendTimeout().toMillis() + settings.pollInterval().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kafka.getProducerFactory().reset();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stop after the listeners (which fill the outbox) and start before them. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 1000;
  }

  private void run() {
    while (running) {
      try {
        int sent = publishDueBatch();
        if (sent < settings.batchSize()) {
          waitForWork();
        }
      } catch (RuntimeException e) {
        log.warn("outbox relay could not publish, retrying in {}", settings.retryBackoff(), e);
        pause(settings.retryBackoff());
      }
    }
  }

  /** Publishes one batch of due rows; returns how many were sent. */
  int publishDueBatch() {
    Integer sent = transaction.execute(status -> sendAndDelete(claimDueRows()));
    return sent == null ? 0 : sent;
  }

  private List<OutboxRow> claimDueRows() {
    return jdbc.sql(
            """
            SELECT id, topic, message_key, event_id, event_type, payload, due_at
            FROM outbox WHERE due_at <= now() ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""")
        .param(settings.batchSize())
        .query(
            (rs, n) ->
                new OutboxRow(
                    rs.getLong("id"),
                    rs.getString("topic"),
                    rs.getString("message_key"),
                    rs.getString("event_id"),
                    rs.getString("event_type"),
                    rs.getBytes("payload"),
                    rs.getTimestamp("due_at").toInstant()))
        .list();
  }

  private int sendAndDelete(List<OutboxRow> rows) {
    if (rows.isEmpty()) {
      return 0;
    }
    List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
    for (OutboxRow row : rows) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(row.topic(), row.key(), row.payload());
      record.headers().add(RedriveHeaders.EVENT_TYPE, utf8(row.eventType()));
      record.headers().add(RedriveHeaders.EVENT_ID, utf8(row.eventId()));
      acks.add(kafka.send(record));
    }
    awaitAll(acks);
    Instant now = Instant.now();
    for (OutboxRow row : rows) {
      lag(row.topic()).record(Duration.between(row.dueAt(), now));
      published(row.topic()).increment();
    }
    jdbc.sql("DELETE FROM outbox WHERE id = ANY(?)")
        .param(rows.stream().mapToLong(OutboxRow::id).boxed().toArray(Long[]::new))
        .update();
    log.debug("published {} outbox rows", rows.size());
    return rows.size();
  }

  private void awaitAll(List<CompletableFuture<?>> acks) {
    try {
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
          .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("broker did not acknowledge the outbox batch", e);
    }
  }

  private void waitForWork() {
    Instant now = Instant.now();
    OutboxState state =
        jdbc.sql(
                """
                SELECT count(*), min(due_at),
                  min(due_at) FILTER (WHERE due_at <= now()) FROM outbox""")
            .query(
                (rs, n) ->
                    new OutboxState(
                        rs.getLong(1), instant(rs.getTimestamp(2)), instant(rs.getTimestamp(3))))
            .single();
    backlog.set(state.rows());
    oldestAgeMillis.set(
        state.oldestDue() == null ? 0 : Duration.between(state.oldestDue(), now).toMillis());
    Instant nextDue = state.nextDue();
    Duration wait = settings.pollInterval();
    if (nextDue != null) {
      Duration untilDue = Duration.between(Instant.now(), nextDue);
      if (untilDue.compareTo(wait) < 0) {
        wait = untilDue.isNegative() ? Duration.ZERO : untilDue;
      }
    }
    pause(wait);
  }

  private void pause(Duration wait) {
    try {
      if (wakeUp.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        wakeUp.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /**
   * Time from a row's due time to its publication, by topic: on {@code redrive.commands} this is
   * the lateness of scheduled retries.
   */
  private Timer lag(String topic) {
    return Timer.builder("redrive.outbox.lag")
        .description("Time from an outbox row's due time to its publication")
        .tag("topic", topic)
        .publishPercentileHistogram()
        .register(meters);
  }

  private Counter published(String topic) {
    return Counter.builder("redrive.outbox.published")
        .description("Outbox rows published to Kafka")
        .tag("topic", topic)
        .register(meters);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  private record OutboxState(long rows, Instant nextDue, Instant oldestDue) {}

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private record OutboxRow(
      long id,
      String topic,
      String key,
      String eventId,
      String eventType,
      byte[] payload,
      Instant dueAt) {}
}
