package dev.redrive.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The same single-node loopback KRaft broker as the in-process one, in a JVM of its own, as brokers
 * run in production: the benchmark uses it so that the broker's threads, allocations and JIT
 * compilations do not share a JVM with the clients and the coordinator it measures.
 *
 * <p>The child JVM runs {@link #serve()}: it starts the broker, writes one line with its bootstrap
 * servers on standard output, and stops the broker once its standard input closes, which is also
 * what happens when the parent dies, so no broker outlives it. Anything else it prints goes to this
 * JVM's standard error ({@link ChildJvm}).
 */
public final class BrokerProcess implements AutoCloseable {

  private static final String READY = "redrive-broker-ready ";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final ChildJvm child;
  private final String bootstrapServers;

  private BrokerProcess(ChildJvm child, String bootstrapServers) {
    this.child = child;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts {@code command}, a JVM whose main method calls {@link #serve()}, and waits until its
   * broker is up.
   *
   * @throws IllegalStateException when it exits or stays silent for two minutes
   */
  public static BrokerProcess launch(List<String> command) {
    ChildJvm child = ChildJvm.launch("broker", command, READY);
    try {
      return new BrokerProcess(child, child.awaitAnswer(START_TIMEOUT).trim());
    } catch (RuntimeException e) {
      child.kill();
      throw new IllegalStateException("the broker's JVM did not start its broker: " + e, e);
    }
  }

  /**
   * The child's side: starts a broker on free loopback ports, says where, and serves until standard
   * input closes.
   */
  public static void serve() throws IOException {
    try (LoopbackKafkaBroker broker =
        LoopbackKafkaBroker.start(EmbeddedInfrastructure.SINGLE_NODE_BROKER)) {
      System.out.println(READY + broker.bootstrapServers());
      System.out.flush();
      while (System.in.read() >= 0) {
        // nothing is sent: the parent closes the stream to stop the broker
      }
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The broker JVM's process id (its CPU is read from {@code /proc/<pid>}). */
  public long pid() {
    return child.pid();
  }

  /** Stops the broker (closing the child's standard input) and waits for its JVM to end. */
  @Override
  public void close() {
    child.close();
  }
}
