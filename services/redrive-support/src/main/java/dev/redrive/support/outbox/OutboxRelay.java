package dev.redrive.support.outbox;

import dev.redrive.support.outbox.RelaySession.Batch;
import dev.redrive.support.outbox.RelaySession.OutboxRow;
import dev.redrive.support.outbox.RowParking.Parking;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.TopicBuilder;

/**
 * Publishes due outbox rows to Kafka, exactly once for {@code read_committed} consumers, each
 * execution's (message key's) messages in the order of their rows' ids (and the messages of a row
 * in their order, see {@link OutboxRows}).
 *
 * <p>The table is published in shards ({@link OutboxShards}, {@code redrive.outbox.shards}, 1 by
 * default): all messages of an execution fall into one shard, and each shard is published by one
 * relay session at a time ({@link RelaySession}: the shard's advisory lock, {@code
 * transactional.id} and progress record), run by a {@link ShardWorker} thread of the instance that
 * holds it. Every instance of a service runs a relay, and the relays share the shards: each holds a
 * member lock ({@link RelayMembership}), counts the live relays every {@code poll-interval}, takes
 * free shards up to its fair share (the shards divided by the relays, rounded up) and gives back
 * what it holds beyond it, so a relay that joins gets its share within a poll interval and the
 * shards of one that dies (its database session ends, and with it its locks) are taken over within
 * one. With one shard, one relay publishes and the others wait to take over, as before shards. Any
 * error ends that shard's session only (its producer closed, its lock given back), and its worker
 * starts a new one after {@code retry-backoff}: a new session first settles what the earlier one
 * left claimed.
 *
 * <p>A transaction's rows wake this instance's workers at once ({@link #wakeUp}); rows of a shard
 * that another instance publishes wait for that relay's next look, at most {@code poll-interval}.
 *
 * <p>No row can jam the outbox. A row whose send fails with an error that no retry mends (too large
 * for the broker or its topic, refused content, an invalid topic: {@link Unsendable}) is
 * <em>parked</em>: moved to {@code outbox_parked} with the cause, the time and the attempts, logged
 * at WARN and counted ({@code redrive.outbox.parked} now, {@code redrive.outbox.parkings} in all).
 * The later rows of the same execution (message key) are parked behind it, so that no consumer sees
 * an execution's events out of order; all other rows keep flowing. {@link ParkedRows} lists them
 * and puts them back. Other errors (broker or database away) are retried, never parked: parking on
 * a count of tries would park every row during an outage.
 *
 * <p>The backlog gauges are read from the table every few seconds whatever the relay is doing, so a
 * relay that keeps failing shows a growing backlog and oldest age.
 *
 * <p>The progress topic ({@link #progressTopic}) must exist; the services create it with their
 * other topics.
 */
public class OutboxRelay implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  /** How often the backlog gauges are brought up to date. */
  private static final Duration GAUGE_INTERVAL = Duration.ofSeconds(5);

  private final DataSource dataSource;
  private final Map<String, Object> clientConfig;
  private final OutboxSettings settings;
  private final Semaphore wakeUp = new Semaphore(0);
  private final MeterRegistry meters;
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong oldestAgeMillis = new AtomicLong();
  private final AtomicLong parked = new AtomicLong();
  private final AtomicLong held = new AtomicLong();
  private final Counter failures;
  private final Counter parkings;
  private final Map<Integer, ShardWorker> workers = new ConcurrentHashMap<>();
  private Instant gaugesUpdated = Instant.EPOCH;
  private volatile boolean running;
  private RelayMembership membership;
  private Thread worker;

  /**
   * @param clientConfig the Kafka producer settings of the service (bootstrap servers, security,
   *     linger); the relay adds the serializers, idempotence and its transactional.id
   */
  public OutboxRelay(
      DataSource dataSource,
      Map<String, Object> clientConfig,
      OutboxSettings settings,
      MeterRegistry meters) {
    this.dataSource = dataSource;
    this.clientConfig = Map.copyOf(clientConfig);
    this.settings = settings;
    this.meters = meters;
    Gauge.builder("redrive.outbox.backlog", backlog, AtomicLong::get)
        .description("Outbox messages waiting (due or scheduled)")
        .register(meters);
    Gauge.builder("redrive.outbox.oldest.age", oldestAgeMillis, a -> a.get() / 1000.0)
        .description("Seconds the oldest due outbox row has been waiting")
        .baseUnit("seconds")
        .register(meters);
    this.failures =
        Counter.builder("redrive.outbox.failures")
            .description("Times the relay stopped publishing a shard on an error and started over")
            .register(meters);
    Gauge.builder("redrive.outbox.publishing", this, r -> r.publishingShards().size())
        .description("Shards of its outbox this instance's relay publishes now (0 on a standby)")
        .register(meters);
    Gauge.builder("redrive.outbox.shards", settings, OutboxSettings::shards)
        .description("Shards the outbox table is published in, shared by the instances' relays")
        .register(meters);
    Gauge.builder("redrive.outbox.held", held, AtomicLong::get)
        .description("Outbox messages a hold keeps waiting now (the coordinator's paused retries)")
        .register(meters);
    Gauge.builder("redrive.outbox.parked", parked, AtomicLong::get)
        .description("Outbox rows parked now (never sendable, or held behind one that is not)")
        .register(meters);
    this.parkings =
        Counter.builder("redrive.outbox.parkings")
            .description("Outbox rows the relay parked")
            .register(meters);
  }

  /** The compacted topic where relays record the last batch they committed. */
  public static NewTopic progressTopic(short replicationFactor) {
    return TopicBuilder.name(RelaySession.PROGRESS_TOPIC)
        .partitions(1)
        .replicas(replicationFactor)
        .compact()
        .config("segment.ms", Long.toString(Duration.ofMinutes(10).toMillis()))
        .config("min.compaction.lag.ms", "0")
        .build();
  }

  /**
   * Asks the relay's workers to look for due rows now (called after a transaction that added rows).
   */
  public void wakeUp() {
    for (ShardWorker shard : workers.values()) {
      shard.wakeUp();
    }
  }

  /**
   * Joins the table's relays (the shard count must fit, see {@link OutboxShards#settle}) and starts
   * taking shards.
   *
   * @throws IllegalStateException naming {@code redrive.outbox.shards} when it does not fit
   */
  @Override
  public void start() {
    membership = RelayMembership.join(dataSource, settings.shards());
    running = true;
    worker = new Thread(this::run, "outbox-relay");
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public void stop() {
    running = false;
    wakeUp.release();
    if (worker == null) {
      return;
    }
    try {
      worker.join(settings.sendTimeout().toMillis() + settings.pollInterval().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.values().forEach(ShardWorker::giveBack);
    workers.values().forEach(ShardWorker::stop);
    workers.clear();
    leave();
  }

  /** Whether this relay publishes a shard of its outbox now (the others wait to take over). */
  public boolean isPublishing() {
    return !publishingShards().isEmpty();
  }

  /** The shards this relay publishes now, in order. */
  public List<Integer> publishingShards() {
    return workers.values().stream()
        .filter(ShardWorker::isPublishing)
        .map(ShardWorker::shard)
        .sorted()
        .toList();
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
      refreshGauges();
      try {
        if (membership == null) {
          membership = RelayMembership.join(dataSource, settings.shards());
        }
        share(membership);
      } catch (RuntimeException e) {
        if (running) {
          log.warn(
              "outbox relay could not share the shards with the other relays, trying again in {}:"
                  + " {}",
              settings.pollInterval(),
              Escaped.causes(e));
        }
        leave();
      }
      pause(settings.pollInterval());
    }
  }

  /**
   * Takes free shards up to this relay's fair share (the shards divided by the live relays, rounded
   * up) or gives back those beyond it, the highest first.
   */
  private void share(RelayMembership members) {
    workers.values().removeIf(ShardWorker::hasEnded);
    int shards = members.shards();
    int live = shards == 1 ? 1 : members.liveMembers();
    int fair = (shards + live - 1) / live;
    List<ShardWorker> staying =
        workers.values().stream()
            .filter(w -> !w.isLeaving())
            .sorted(Comparator.comparingInt(ShardWorker::shard))
            .toList();
    if (staying.size() > fair) {
      for (ShardWorker surplus : staying.subList(fair, staying.size())) {
        log.info(
            "outbox relay gives shard {} back: {} relays share {} shards",
            surplus.shard(),
            live,
            shards);
        surplus.giveBack();
      }
      return;
    }
    int wanted = fair - staying.size();
    if (wanted == 0) {
      return;
    }
    for (int shard : members.freeShards()) {
      if (wanted == 0) {
        break;
      }
      if (!workers.containsKey(shard)) {
        ShardWorker taking = new ShardWorker(shard, dataSource, clientConfig, settings, this);
        workers.put(shard, taking);
        taking.start();
        wanted--;
      }
    }
  }

  private void leave() {
    RelayMembership leaving = membership;
    membership = null;
    if (leaving != null) {
      leaving.close();
    }
  }

  /** Counts and logs what a worker's batch did. */
  void published(Batch batch) {
    countPublished(batch.sent());
    reportParked(batch.parked());
  }

  /** Counts a worker's session that ended on an error. */
  void failed() {
    failures.increment();
  }

  private void reportParked(List<Parking> rows) {
    for (Parking row : rows) {
      parkings.increment();
      parked.incrementAndGet();
      log.warn(
          "outbox row {} parked ({} of execution {}, {} tries): {}; later rows go on, GET"
              + " /api/v1/outbox/parked lists it and POST"
              + " /api/v1/outbox/parked/{}/requeue sends it again",
          row.id(),
          Escaped.text(String.join(",", row.eventTypes()), 200),
          Escaped.text(String.join(",", row.keys()), 200),
          row.attempts(),
          row.cause(),
          row.id());
    }
  }

  /**
   * Reads the backlog, the oldest due row's age and the parked rows from the table at most every
   * {@link #GAUGE_INTERVAL}, whether this relay publishes, waits or keeps failing.
   */
  private void refreshGauges() {
    Instant now = Instant.now();
    if (!now.isAfter(gaugesUpdated.plus(GAUGE_INTERVAL))) {
      return;
    }
    gaugesUpdated = now;
    try {
      OutboxBacklog.Figures figures = OutboxBacklog.read(dataSource);
      backlog.set(figures.messages());
      oldestAgeMillis.set(figures.oldestAgeMillis());
      parked.set(figures.parkedRows());
      held.set(figures.heldMessages());
    } catch (SQLException | RuntimeException e) {
      log.warn("outbox relay could not read the outbox backlog: {}", Escaped.causes(e));
    }
  }

  private void countPublished(List<OutboxRow> messages) {
    Instant now = Instant.now();
    for (OutboxRow message : messages) {
      lag(message.topic()).record(Duration.between(message.dueAt(), now));
      published(message.topic()).increment();
    }
    if (!messages.isEmpty()) {
      log.debug("published {} outbox messages", messages.size());
    }
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
   * Time from a message's due time to its publication, by topic: on {@code redrive.commands} this
   * is the lateness of scheduled retries.
   */
  private Timer lag(String topic) {
    return Timer.builder("redrive.outbox.lag")
        .description("Time from an outbox message's due time to its publication")
        .tag("topic", topic)
        .publishPercentileHistogram()
        .register(meters);
  }

  private Counter published(String topic) {
    return Counter.builder("redrive.outbox.published")
        .description("Outbox messages published to Kafka")
        .tag("topic", topic)
        .register(meters);
  }
}
