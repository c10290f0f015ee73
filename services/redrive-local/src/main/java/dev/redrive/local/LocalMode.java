package dev.redrive.local;

import dev.redrive.local.registry.LocalSchemaRegistry;
import dev.redrive.local.registry.RegistryAccess;
import dev.redrive.local.registry.SchemaStore;
import dev.redrive.testkit.EmbeddedInfrastructure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Redrive on one machine, its state in one data folder: the embedded broker, PostgreSQL and schema
 * registry keep their data there, the runner its workspaces and pipeline files. Started by the
 * launcher ({@link LocalRedrive}) and by the tests that restart it.
 */
final class LocalMode implements AutoCloseable {

  /** How often the runner reads the pipeline files again. */
  static final Duration PIPELINE_RELOAD = Duration.ofSeconds(2);

  /**
   * What to start.
   *
   * @param ports HTTP ports of runner, coordinator, audit and schema registry (0 = a free one)
   * @param access the tokens the schema registry asks for
   * @param extraProperties further settings of all three services (tests shorten intervals)
   */
  record Settings(
      Path data,
      boolean fresh,
      Path pipelines,
      int[] ports,
      RegistryAccess access,
      Map<String, String> extraProperties) {}

  private final DataFolder data;
  private final Path pipelines;
  private final boolean firstStart;
  private final EmbeddedInfrastructure infrastructure;
  private final LocalSchemaRegistry registry;
  private final RedriveCluster cluster;

  private LocalMode(
      DataFolder data,
      Path pipelines,
      boolean firstStart,
      EmbeddedInfrastructure infrastructure,
      LocalSchemaRegistry registry,
      RedriveCluster cluster) {
    this.data = data;
    this.pipelines = pipelines;
    this.firstStart = firstStart;
    this.infrastructure = infrastructure;
    this.registry = registry;
    this.cluster = cluster;
  }

  /**
   * Starts everything on the data folder.
   *
   * @throws IllegalStateException naming the folder when another launcher uses it
   */
  static LocalMode start(Settings settings, Consumer<String> say) {
    // a database server that a killed launcher left running would hold the files being deleted
    DataFolder data =
        DataFolder.open(
            settings.data(),
            settings.fresh(),
            root -> EmbeddedInfrastructure.stopLeftoverPostgres(root.resolve("postgres")));
    if (settings.fresh()) {
      say.accept("Starting fresh: deleted everything in " + data.root());
    }
    boolean firstStart = !data.hasData();
    EmbeddedInfrastructure infrastructure = null;
    LocalSchemaRegistry registry = null;
    try {
      Path pipelines = settings.pipelines() != null ? settings.pipelines() : data.pipelines();
      if (settings.pipelines() == null && !Files.exists(pipelines)) {
        copyBuiltInPipelines(pipelines);
      }
      Files.createDirectories(pipelines);
      say.accept(
          (firstStart ? "Starting" : "Restarting")
              + " embedded Kafka (KRaft) and PostgreSQL on "
              + data.root()
              + " ...");
      int[] kafkaPorts = data.kafkaPorts(EmbeddedInfrastructure::freeLoopbackPort);
      infrastructure =
          EmbeddedInfrastructure.startIn(
              data.kafka(), kafkaPorts[0], kafkaPorts[1], data.postgres());
      registry =
          LocalSchemaRegistry.start(
              SchemaStore.open(data.schemas()), settings.ports()[3], settings.access());
      say.accept("Starting phase-runner, retry-coordinator and audit ...");
      RedriveCluster cluster =
          RedriveCluster.start(
              new RedriveCluster.Settings(
                  infrastructure.kafkaBootstrapServers(),
                  infrastructure.jdbcUrl("postgres"),
                  infrastructure.jdbcUser(),
                  infrastructure.jdbcPassword(),
                  registry.url(),
                  data.workspaces(),
                  new int[] {settings.ports()[0], settings.ports()[1], settings.ports()[2]},
                  properties(settings, pipelines),
                  data.config()));
      return new LocalMode(data, pipelines, firstStart, infrastructure, registry, cluster);
    } catch (IOException e) {
      closeAll(registry, infrastructure, data);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      closeAll(registry, infrastructure, data);
      throw e;
    }
  }

  private static Map<String, String> properties(Settings settings, Path pipelines) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("redrive.runner.pipelines", pipelines.toUri().toString());
    properties.put("redrive.runner.pipelines-reload-interval", PIPELINE_RELOAD.toSeconds() + "s");
    // stable across restarts (a host name can change): the attempts it left RUNNING are its own
    properties.put("redrive.runner.instance-id", "local");
    // Ctrl-C should not wait half a minute for a phase; a cut-off phase is INTERRUPTED on restart
    properties.put("redrive.runner.shutdown-grace", "5s");
    // the launcher prints where each service listens; Spring's start-up lines only add noise
    properties.put("spring.main.log-startup-info", "false");
    if (!settings.access().open()) {
      properties.put(
          "spring.kafka.properties.basic.auth.user.info",
          "redrive:" + settings.access().writeToken());
    }
    properties.putAll(settings.extraProperties());
    return properties;
  }

  private static void copyBuiltInPipelines(Path folder) throws IOException {
    Files.createDirectories(folder);
    for (Resource resource :
        new PathMatchingResourcePatternResolver().getResources("classpath:pipelines/*.yaml")) {
      try (InputStream in = resource.getInputStream()) {
        Files.copy(in, folder.resolve(resource.getFilename()));
      }
    }
  }

  RedriveCluster cluster() {
    return cluster;
  }

  EmbeddedInfrastructure infrastructure() {
    return infrastructure;
  }

  DataFolder data() {
    return data;
  }

  Path pipelines() {
    return pipelines;
  }

  boolean firstStart() {
    return firstStart;
  }

  String registryUrl() {
    return registry.url();
  }

  /** Stops the services, then the registry, the broker and the database; the data stays. */
  @Override
  public void close() {
    try {
      cluster.close();
    } finally {
      closeAll(registry, infrastructure, data);
    }
  }

  private static void closeAll(
      LocalSchemaRegistry registry, EmbeddedInfrastructure infrastructure, DataFolder data) {
    try {
      if (registry != null) {
        registry.close();
      }
      if (infrastructure != null) {
        infrastructure.close();
      }
    } finally {
      data.close();
    }
  }
}
