package dev.redrive.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller in one process) in a JVM of its own, from the
 * Kafka jars on the test classpath: it can be killed and started again on the same port and log
 * directory, which the in-process test broker cannot.
 */
final class BrokerProcess implements AutoCloseable {

  private final Path dir;
  private final int port = ChildProcesses.freePort();
  private final int controllerPort = ChildProcesses.freePort();
  private final Path config;
  private final Path log;
  private Process process;

  private BrokerProcess(Path dir) {
    this.dir = dir;
    this.config = dir.resolve("server.properties");
    this.log = dir.resolve("broker.log");
  }

  /** Formats a fresh log directory under {@code dir} and starts the broker. */
  static BrokerProcess start(Path dir) {
    BrokerProcess broker = new BrokerProcess(dir);
    broker.format();
    broker.launch();
    return broker;
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** SIGKILL, then the same broker again on the same port and data; returns when it answers. */
  void killAndRestart() {
    ChildProcesses.kill(process);
    launch();
  }

  private void format() {
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("logback.xml"),
          """
          <configuration>
            <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
              <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
            </appender>
            <logger name="kafka" level="INFO"/>
            <logger name="org.apache.kafka" level="WARN"/>
            <root level="WARN"><appender-ref ref="OUT"/></root>
          </configuration>
          """);
      Files.writeString(
          config,
          """
          process.roles=broker,controller
          node.id=1
          controller.quorum.voters=1@127.0.0.1:%d
          listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
          advertised.listeners=PLAINTEXT://127.0.0.1:%d
          controller.listener.names=CONTROLLER
          listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
          inter.broker.listener.name=PLAINTEXT
          log.dirs=%s
          num.partitions=1
          auto.create.topics.enable=false
          offsets.topic.replication.factor=1
          offsets.topic.num.partitions=3
          transaction.state.log.replication.factor=1
          transaction.state.log.min.isr=1
          transaction.state.log.num.partitions=3
          group.initial.rebalance.delay.ms=0
          """
              .formatted(
                  controllerPort, port, controllerPort, port, dir.resolve("data").toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process format =
        ChildProcesses.launch(
            jvmArgs(),
            "kafka.tools.StorageTool",
            List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
            log);
    try {
      if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
        ChildProcesses.kill(format);
        throw new IllegalStateException(
            "formatting the broker's storage failed:\n" + ChildProcesses.tail(log, 30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private List<String> jvmArgs() {
    return List.of("-Xmx512m", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
  }

  private void launch() {
    process = ChildProcesses.launch(jvmArgs(), "kafka.Kafka", List.of(config.toString()), log);
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("broker exited:\n" + ChildProcesses.tail(log, 40));
      }
      try (Admin admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                  AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                  AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
        admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
        return;
      } catch (Exception notYet) {
        ServiceProcess.sleep(200);
      }
    }
    throw new IllegalStateException("broker not ready:\n" + ChildProcesses.tail(log, 40));
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      ChildProcesses.kill(process);
    }
  }
}
