package dev.redrive.faults;

import dev.redrive.testkit.HttpSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one fault case runs on: a fresh broker process, a schema registry, the shared PostgreSQL
 * server, and the service processes the case starts. Closing it kills whatever is still running.
 * Logs go to {@code target/faults/<case>/}.
 */
final class Stack implements AutoCloseable {

  final Path dir;
  final HttpSchemaRegistry registry;
  final BrokerProcess broker;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  Stack(String caseName) {
    this.dir = Path.of("target", "faults", caseName).toAbsolutePath();
    deleteRecursively(dir);
    this.registry = HttpSchemaRegistry.start();
    closeables.add(registry);
    this.broker = BrokerProcess.start(dir.resolve("broker"));
    closeables.add(broker);
  }

  /** Settings every service gets: its database, the broker and the registry. */
  Map<String, String> common(String jdbcUrl) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("spring.datasource.url", jdbcUrl);
    properties.put("spring.datasource.username", Postgres.USER);
    properties.put("spring.datasource.password", Postgres.PASSWORD);
    properties.put("spring.kafka.bootstrap-servers", broker.bootstrapServers());
    properties.put("spring.kafka.properties.schema.registry.url", registry.url());
    return properties;
  }

  /**
   * A retry-coordinator (not started) that retries every failure at once: no back-off, no jitter,
   * and a retry budget that does not refuse unless {@code extra} says otherwise.
   */
  ServiceProcess coordinator(String name, String jdbcUrl, Map<String, String> extra) {
    Map<String, String> properties = common(jdbcUrl);
    properties.put("redrive.coordinator.policy.initial-interval", "0s");
    properties.put("redrive.coordinator.policy.jitter", "NONE");
    properties.put("redrive.coordinator.budget.min-retries", "100000000");
    properties.putAll(extra);
    return track(
        new ServiceProcess(
            name, "dev.redrive.coordinator.RetryCoordinatorApplication", properties, dir));
  }

  ServiceProcess audit(String jdbcUrl) {
    return track(
        new ServiceProcess("audit", "dev.redrive.audit.AuditApplication", common(jdbcUrl), dir));
  }

  ServiceProcess runner(String jdbcUrl, Map<String, String> extra) {
    Map<String, String> properties = common(jdbcUrl);
    properties.putAll(extra);
    return track(
        new ServiceProcess("runner", "dev.redrive.runner.PhaseRunnerApplication", properties, dir));
  }

  FailureStream stream() {
    return track(new FailureStream(broker.bootstrapServers(), registry.url()));
  }

  CommandLog commands() {
    return track(new CommandLog(broker.bootstrapServers(), registry.url()));
  }

  <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  /**
   * A coordinator and an audit, each on a database of its own, started and ready, with the command
   * log already reading and a stream to send failures with.
   */
  record CoordinatorAndAudit(
      String coordinatorDb,
      String auditDb,
      ServiceProcess coordinator,
      ServiceProcess audit,
      CommandLog log,
      FailureStream stream) {}

  /** {@link #startCoordinatorAndAudit(int, Map)} straight on the PostgreSQL server. */
  CoordinatorAndAudit startCoordinatorAndAudit(Map<String, String> coordinatorExtra) {
    return startCoordinatorAndAudit(Postgres.port(), coordinatorExtra);
  }

  /**
   * Creates the coordinator's and the audit's databases, starts both services (the coordinator
   * reaching PostgreSQL on {@code coordinatorDbPort}, with {@code coordinatorExtra} on top of
   * {@link #coordinator}'s settings), then opens the command log and the failure stream.
   */
  CoordinatorAndAudit startCoordinatorAndAudit(
      int coordinatorDbPort, Map<String, String> coordinatorExtra) {
    String coordinatorDb = Postgres.createDatabase("coordinator");
    String auditDb = Postgres.createDatabase("audit");
    ServiceProcess coordinator =
        coordinator(
            "coordinator", Postgres.jdbcUrl(coordinatorDbPort, coordinatorDb), coordinatorExtra);
    ServiceProcess audit = audit(Postgres.jdbcUrl(Postgres.port(), auditDb));
    startAll(coordinator, audit);
    return new CoordinatorAndAudit(
        coordinatorDb, auditDb, coordinator, audit, commands(), stream());
  }

  /** Starts several services side by side and waits until all are ready. */
  static void startAll(ServiceProcess... services) {
    for (ServiceProcess service : services) {
      service.launch();
    }
    for (ServiceProcess service : services) {
      service.awaitReady();
    }
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = new IllegalStateException("closing " + closeables.get(i), e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
