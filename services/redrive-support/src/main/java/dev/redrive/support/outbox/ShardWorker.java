package dev.redrive.support.outbox;

import dev.redrive.support.outbox.RelaySession.Batch;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard of an outbox table published by this instance: a thread that takes the shard's lock
 * ({@link RelaySession#open}), settles what an earlier session of the shard left, and publishes its
 * due rows batch after batch. An error ends the shard's session only (its producer closed, its lock
 * given back) and the worker starts a new one after {@code retry-backoff}; when another instance
 * took the shard meanwhile, or the relay gives the shard back ({@link #giveBack}), the worker ends.
 */
final class ShardWorker {

  private static final Logger log = LoggerFactory.getLogger(ShardWorker.class);

  private final int shard;
  private final DataSource dataSource;
  private final Map<String, Object> clientConfig;
  private final OutboxSettings settings;
  private final OutboxRelay relay;
  private final Semaphore wakeUp = new Semaphore(0);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean ended;
  private volatile RelaySession session;
  private boolean held;

  ShardWorker(
      int shard,
      DataSource dataSource,
      Map<String, Object> clientConfig,
      OutboxSettings settings,
      OutboxRelay relay) {
    this.shard = shard;
    this.dataSource = dataSource;
    this.clientConfig = clientConfig;
    this.settings = settings;
    this.relay = relay;
    this.thread = new Thread(this::run, "outbox-relay-shard-" + shard);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  int shard() {
    return shard;
  }

  /** Whether this worker holds its shard's session now. */
  boolean isPublishing() {
    return session != null;
  }

  /** Whether the worker was asked to give its shard back or has ended. */
  boolean isLeaving() {
    return !running || ended;
  }

  boolean hasEnded() {
    return ended;
  }

  /** Asks the worker to look for due rows now. */
  void wakeUp() {
    wakeUp.release();
  }

  /** Ends the shard's session after the batch in flight; the lock goes back to the others. */
  void giveBack() {
    running = false;
    wakeUp.release();
  }

  /** Gives the shard back and waits for the worker to end. */
  void stop() {
    giveBack();
    try {
      thread.join(settings.sendTimeout().toMillis() + settings.pollInterval().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    endSession();
  }

  private void run() {
    try {
      while (running) {
        try {
          if (session == null && !startSession()) {
            return;
          }
          Batch batch = session.publishDueBatch();
          relay.published(batch);
          if (batch.rows() < settings.batchSize()) {
            waitForWork();
          }
        } catch (RuntimeException e) {
          relay.failed();
          if (running) {
            log.warn(
                "outbox relay could not publish shard {}, starting over in {}: {}",
                shard,
                settings.retryBackoff(),
                Escaped.causes(e));
            log.debug("outbox relay failure", e);
          }
          endSession();
          pause(settings.retryBackoff());
        }
      }
    } finally {
      endSession();
      ended = true;
      if (held) {
        log.info("outbox relay no longer publishes shard {} of {}", shard, settings.shards());
      }
    }
  }

  /** Takes the shard if no other relay holds it; settles what was left claimed. */
  private boolean startSession() {
    RelaySession opened = RelaySession.open(dataSource, clientConfig, settings, shard);
    if (opened == null) {
      log.debug("outbox shard {} is published by another relay", shard);
      return false;
    }
    session = opened;
    held = true;
    int settled = opened.recover();
    log.info(
        "outbox relay {} publishes shard {} of {}{}",
        opened.relayId(),
        shard,
        settings.shards(),
        settled == 0
            ? ""
            : " (deleted " + settled + " rows an earlier relay had published but not deleted)");
    return true;
  }

  private void endSession() {
    RelaySession ending = session;
    session = null;
    if (ending != null) {
      ending.close();
    }
  }

  private void waitForWork() {
    if (wakeUp.tryAcquire()) {
      // rows were committed while this batch was sent: publish them without asking when the next
      // scheduled row is due (under steady load that query would run after every batch)
      wakeUp.drainPermits();
      return;
    }
    Instant nextDue = session.nextDue();
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
}
