package dev.redrive.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller in one process) in a JVM of its own, from the
 * Kafka jars on the test classpath: it can be killed and started again on the same port and log
 * directory, which the in-process test broker cannot. {@link #startSecured} makes it a broker that
 * authenticates every client (SASL/PLAIN) and authorizes every request by its ACLs.
 */
final class BrokerProcess implements AutoCloseable {

  /** Name of the super user of a secured broker (the one that creates topics and ACLs). */
  static final String ADMIN = "admin";

  private final Path dir;

  /** SASL/PLAIN users (name to password) of a secured broker; empty for a plaintext one. */
  private final Map<String, String> users;

  private final int port = ChildProcesses.freePort();
  private final int controllerPort = ChildProcesses.freePort();
  private final Path config;
  private final Path log;
  private Process process;

  private BrokerProcess(Path dir, Map<String, String> users) {
    this.dir = dir;
    this.users = users;
    this.config = dir.resolve("server.properties");
    this.log = dir.resolve("broker.log");
  }

  /** Formats a fresh log directory under {@code dir} and starts the broker. */
  static BrokerProcess start(Path dir) {
    BrokerProcess broker = new BrokerProcess(dir, Map.of());
    broker.format();
    broker.launch();
    return broker;
  }

  /**
   * A broker whose only listener for clients is SASL_PLAINTEXT with these PLAIN users (name to
   * password) and {@link #ADMIN} as super user; {@code StandardAuthorizer} with {@code
   * allow.everyone.if.no.acl.found=false}, so a user may do only what an ACL grants it.
   */
  static BrokerProcess startSecured(Path dir, String adminPassword, Map<String, String> users) {
    Map<String, String> all = new LinkedHashMap<>(users);
    all.put(ADMIN, adminPassword);
    BrokerProcess broker = new BrokerProcess(dir, Map.copyOf(all));
    broker.format();
    broker.launch();
    return broker;
  }

  /** Client settings that log in to a secured broker as this user. */
  static Map<String, Object> saslClient(String user, String password) {
    return Map.of(
        AdminClientConfig.SECURITY_PROTOCOL_CONFIG,
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        "PLAIN",
        "sasl.jaas.config",
        plainLogin(user, password));
  }

  static String plainLogin(String user, String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"%s\" password=\"%s\";"
        .formatted(user, password);
  }

  /** Settings of an admin client of this broker: the super user's on a secured one. */
  Map<String, Object> adminConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    if (!users.isEmpty()) {
      config.putAll(saslClient(ADMIN, users.get(ADMIN)));
    }
    return config;
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
      Files.writeString(config, users.isEmpty() ? plaintextListeners() : securedListeners());
      Files.writeString(
          config,
          """
          process.roles=broker,controller
          node.id=1
          controller.quorum.voters=1@127.0.0.1:%d
          controller.listener.names=CONTROLLER
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
              .formatted(controllerPort, dir.resolve("data").toString()),
          StandardOpenOption.APPEND);
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

  private String plaintextListeners() {
    return """
        listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
        advertised.listeners=PLAINTEXT://127.0.0.1:%d
        listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
        inter.broker.listener.name=PLAINTEXT
        """
        .formatted(port, controllerPort, port);
  }

  /**
   * Clients and the broker itself (towards its controller) log in with SASL/PLAIN; the broker's own
   * login is the super user's.
   */
  private String securedListeners() {
    StringBuilder jaas =
        new StringBuilder(
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"%s\" password=\"%s\""
                .formatted(ADMIN, users.get(ADMIN)));
    users.forEach((user, password) -> jaas.append(" user_%s=\"%s\"".formatted(user, password)));
    jaas.append(';');
    return """
        listeners=SASL_PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
        advertised.listeners=SASL_PLAINTEXT://127.0.0.1:%d
        listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
        inter.broker.listener.name=SASL_PLAINTEXT
        sasl.enabled.mechanisms=PLAIN
        sasl.mechanism.inter.broker.protocol=PLAIN
        sasl.mechanism.controller.protocol=PLAIN
        listener.name.controller.sasl.enabled.mechanisms=PLAIN
        listener.name.sasl_plaintext.plain.sasl.jaas.config=%s
        listener.name.controller.plain.sasl.jaas.config=%s
        authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
        allow.everyone.if.no.acl.found=false
        super.users=User:%s
        """
        .formatted(port, controllerPort, port, jaas, jaas, ADMIN);
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
      Map<String, Object> probe = adminConfig();
      probe.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
      probe.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
      try (Admin admin = Admin.create(probe)) {
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
