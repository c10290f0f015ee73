package dev.redrive.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The same single-node loopback KRaft broker as the in-process one, in a JVM of its own, as brokers
 * run in production: the benchmark uses it so that the broker's threads, allocations and JIT
 * compilations do not share a JVM with the clients and the coordinator it measures.
 *
 * <p>The child JVM runs {@link #serve()}: it starts the broker, writes one line with its bootstrap
 * servers on standard output, and stops the broker once its standard input closes, which is also
 * what happens when the parent dies, so no broker outlives it. Anything else it prints goes to this
 * JVM's standard error.
 */
public final class BrokerProcess implements AutoCloseable {

  private static final String READY = "redrive-broker-ready ";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final String bootstrapServers;

  private BrokerProcess(Process process, String bootstrapServers) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts {@code command}, a JVM whose main method calls {@link #serve()}, and waits until its
   * broker is up.
   *
   * @throws IllegalStateException when it exits or stays silent for two minutes
   */
  public static BrokerProcess launch(List<String> command) {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the broker's JVM: " + command, e);
    }
    try {
      return new BrokerProcess(process, awaitReady(process));
    } catch (RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private static String awaitReady(Process process) {
    var reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    var ready = new CompletableFuture<String>();
    Thread lines =
        new Thread(
            () -> {
              try {
                for (String line; (line = reader.readLine()) != null; ) {
                  if (!ready.isDone() && line.startsWith(READY)) {
                    ready.complete(line.substring(READY.length()).trim());
                  } else {
                    // what the broker's JVM prints (its errors, say) goes on this JVM's
                    System.err.println("[broker] " + line);
                  }
                }
                ready.completeExceptionally(
                    new IllegalStateException("the broker's JVM ended before its broker started"));
              } catch (IOException e) {
                ready.completeExceptionally(e);
              }
            },
            "broker-process-output");
    lines.setDaemon(true);
    lines.start();
    try {
      return ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the broker's JVM started", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "the broker's JVM did not start its broker within " + START_TIMEOUT + ": " + e, e);
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
    return process.pid();
  }

  /** Stops the broker (closing the child's standard input) and waits for its JVM to end. */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
