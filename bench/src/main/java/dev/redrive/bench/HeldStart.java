package dev.redrive.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A contender's consumer that joins its group and then holds its partitions without consuming them
 * until it is released, so that a measurement's clock starts when the contender consumes, as it
 * does for the coordinator (paused with its partitions, then resumed), and not before the group
 * join and the producer's {@code initTransactions}: those took 0.5-1 s of a 2-3 s pipe run.
 * Released from the start, it consumes as soon as it has partitions.
 */
final class HeldStart {

  private final CountDownLatch assigned = new CountDownLatch(1);
  private volatile boolean released;

  HeldStart(boolean released) {
    this.released = released;
  }

  /** From the consumer's rebalance listener: holds the partitions it got unless released. */
  void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    if (!released) {
      consumer.pause(partitions);
    }
    if (!partitions.isEmpty()) {
      assigned.countDown();
    }
  }

  /**
   * From the consumer's thread before each poll: resumes the held partitions once released; the
   * poll's timeout (short while held, so that the release is seen at once).
   */
  Duration beforePoll(Consumer<?, ?> consumer) {
    if (!released) {
      return Duration.ofMillis(5);
    }
    if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
    return Duration.ofMillis(100);
  }

  /** Lets the consumer consume. */
  void release() {
    released = true;
  }

  /** Waits until the group has given the consumer its partitions. */
  void awaitAssigned(Duration timeout) throws InterruptedException {
    if (!assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the consumer got no partitions in " + timeout);
    }
  }
}
