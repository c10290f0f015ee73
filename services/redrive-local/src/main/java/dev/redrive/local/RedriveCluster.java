package dev.redrive.local;

import dev.redrive.audit.AuditApplication;
import dev.redrive.coordinator.RetryCoordinatorApplication;
import dev.redrive.runner.PhaseRunnerApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The three Redrive services as separate Spring contexts in one JVM, pointed at one Kafka broker,
 * one PostgreSQL database (a schema each) and one schema registry. Used by the local launcher and
 * by the end-to-end test; in production each service is its own process.
 */
public final class RedriveCluster implements AutoCloseable {

  /**
   * Where the cluster's parts are.
   *
   * @param ports HTTP ports of runner, coordinator and audit (0 = any free port)
   * @param configFolder a folder whose {@code runner.yml}, {@code coordinator.yml} and {@code
   *     audit.yml} (each optional) the services also read, or null
   */
  public record Settings(
      String kafkaBootstrapServers,
      String jdbcUrl,
      String jdbcUser,
      String jdbcPassword,
      String schemaRegistryUrl,
      Path workspaceRoot,
      int[] ports,
      Map<String, String> extraProperties,
      Path configFolder) {

    public Settings(
        String kafkaBootstrapServers,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        String schemaRegistryUrl,
        Path workspaceRoot,
        int[] ports,
        Map<String, String> extraProperties) {
      this(
          kafkaBootstrapServers,
          jdbcUrl,
          jdbcUser,
          jdbcPassword,
          schemaRegistryUrl,
          workspaceRoot,
          ports,
          extraProperties,
          null);
    }
  }

  private final List<ConfigurableApplicationContext> contexts;

  private RedriveCluster(List<ConfigurableApplicationContext> contexts) {
    this.contexts = contexts;
  }

  /** Starts coordinator, audit and runner (the runner last, so nothing it reports is missed). */
  public static RedriveCluster start(Settings settings) {
    List<ConfigurableApplicationContext> started = new ArrayList<>();
    try {
      started.add(
          run(
              RetryCoordinatorApplication.builder(),
              settings,
              settings.ports()[1],
              own(settings, "coordinator", Map.of())));
      started.add(
          run(
              AuditApplication.builder(),
              settings,
              settings.ports()[2],
              own(settings, "audit", auditOfRunner(settings))));
      started.add(
          run(
              PhaseRunnerApplication.builder(),
              settings,
              settings.ports()[0],
              own(
                  settings,
                  "runner",
                  Map.of("redrive.runner.workspace-root", settings.workspaceRoot().toString()))));
    } catch (RuntimeException e) {
      started.forEach(ConfigurableApplicationContext::close);
      throw e;
    }
    return new RedriveCluster(started);
  }

  /**
   * Where the audit asks the runner for attempt diffs: the runner's port when it is fixed (it
   * starts after the audit, so a free port picked at start is not known yet), with the read token
   * all three services share.
   */
  private static Map<String, String> auditOfRunner(Settings settings) {
    int runnerPort = settings.ports()[0];
    return runnerPort == 0
        ? Map.of()
        : Map.of(
            "redrive.audit.runner-url",
            "http://127.0.0.1:" + runnerPort,
            "redrive.audit.runner-token",
            "${redrive.security.read-token:}");
  }

  private static Map<String, String> own(
      Settings settings, String service, Map<String, String> properties) {
    if (settings.configFolder() == null) {
      return properties;
    }
    Map<String, String> own = new LinkedHashMap<>(properties);
    own.put(
        "spring.config.import",
        "optional:file:" + settings.configFolder().resolve(service + ".yml").toAbsolutePath());
    return own;
  }

  private static ConfigurableApplicationContext run(
      SpringApplicationBuilder builder, Settings settings, int port, Map<String, String> own) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("spring.datasource.url", settings.jdbcUrl());
    properties.put("spring.datasource.username", settings.jdbcUser());
    properties.put("spring.datasource.password", settings.jdbcPassword());
    properties.put("spring.kafka.bootstrap-servers", settings.kafkaBootstrapServers());
    properties.put("spring.kafka.properties.schema.registry.url", settings.schemaRegistryUrl());
    properties.put("server.port", port);
    // one machine, one person: nothing listens beyond loopback
    properties.put("server.address", "127.0.0.1");
    properties.put("spring.main.banner-mode", "off");
    // one machine, one person: the coordinator's POST endpoints are open unless a token is given
    properties.put("spring.profiles.active", "local");
    properties.putAll(settings.extraProperties());
    properties.putAll(own);
    String[] args =
        properties.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    return builder.run(args);
  }

  public ConfigurableApplicationContext runner() {
    return contexts.get(2);
  }

  public ConfigurableApplicationContext coordinator() {
    return contexts.get(0);
  }

  public ConfigurableApplicationContext audit() {
    return contexts.get(1);
  }

  public static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
  }

  /** Stops the runner first, then audit and coordinator. */
  @Override
  public void close() {
    for (int i = contexts.size() - 1; i >= 0; i--) {
      contexts.get(i).close();
    }
  }
}
