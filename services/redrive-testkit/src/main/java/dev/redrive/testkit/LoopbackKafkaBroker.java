package dev.redrive.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (broker and controller in one) in this JVM, whose two listeners are
 * bound to 127.0.0.1 only.
 *
 * <p>Spring's {@code EmbeddedKafkaKraftBroker} cannot do this: Kafka's test kit pre-binds the
 * controller's socket on every interface, so the local launcher's broker was reachable from the
 * network. Here the ports are picked on the loopback interface and written into {@code listeners}.
 */
final class LoopbackKafkaBroker implements AutoCloseable {

  private static final String LOOPBACK = "127.0.0.1";

  private final KafkaRaftServer server;
  private final Path logDirectory;
  private final boolean temporary;
  private final String bootstrapServers;

  private LoopbackKafkaBroker(
      KafkaRaftServer server, Path logDirectory, boolean temporary, String bootstrapServers) {
    this.server = server;
    this.logDirectory = logDirectory;
    this.temporary = temporary;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats a fresh temporary log directory and starts the broker on free ports; {@link #close()}
   * deletes the directory.
   *
   * @param settings broker settings on top of the listeners, roles and directories set here
   */
  static LoopbackKafkaBroker start(Map<String, String> settings) {
    Path logDirectory;
    try {
      logDirectory = Files.createTempDirectory("redrive-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("no temporary folder for the embedded broker", e);
    }
    return start(settings, logDirectory, true, freeLoopbackPort(), freeLoopbackPort());
  }

  /**
   * Starts the broker on a log directory that outlives it: formatted (a new cluster id) only when
   * it holds no {@code meta.properties} yet, so a restart finds its topics, records, committed
   * offsets and transactions again. {@link #close()} keeps the directory.
   */
  static LoopbackKafkaBroker startIn(
      Map<String, String> settings, Path logDirectory, int brokerPort, int controllerPort) {
    try {
      Files.createDirectories(logDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's log folder " + logDirectory, e);
    }
    return start(settings, logDirectory, false, brokerPort, controllerPort);
  }

  private static LoopbackKafkaBroker start(
      Map<String, String> settings,
      Path logDirectory,
      boolean temporary,
      int brokerPort,
      int controllerPort) {
    Map<String, Object> config = new HashMap<>(settings);
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    config.put("controller.quorum.voters", "1@" + LOOPBACK + ":" + controllerPort);
    config.put(
        "listeners",
        "PLAINTEXT://"
            + LOOPBACK
            + ":"
            + brokerPort
            + ",CONTROLLER://"
            + LOOPBACK
            + ":"
            + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort);
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("log.dirs", logDirectory.toString());
    KafkaConfig kafkaConfig = new KafkaConfig(config, false);
    try {
      if (!Files.exists(logDirectory.resolve("meta.properties"))) {
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setClusterId(Uuid.randomUuid().toString())
            .setNodeId(1)
            .setControllerListenerName("CONTROLLER")
            .setMetadataLogDirectory(logDirectory.toString())
            .setDirectories(List.of(logDirectory.toString()))
            .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
            .run();
      }
      KafkaRaftServer server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
      server.startup();
      return new LoopbackKafkaBroker(server, logDirectory, temporary, LOOPBACK + ":" + brokerPort);
    } catch (Exception e) {
      if (temporary) {
        deleteQuietly(logDirectory);
      }
      throw new IllegalStateException(
          "the embedded Kafka broker did not start (log folder " + logDirectory + ")", e);
    }
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    if (temporary) {
      deleteQuietly(logDirectory);
    }
  }

  /**
   * A port that is free on the loopback interface now. Another process could take it before the
   * broker binds it; then the broker fails to start with the port named, which is rare enough for
   * tests and a local launcher.
   */
  static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + LOOPBACK, e);
    }
  }

  private static void deleteQuietly(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is not worth failing a stop for
    }
  }
}
