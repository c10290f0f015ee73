package dev.redrive.local;

import dev.redrive.local.registry.RegistryAccess;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import sun.misc.Signal;

/**
 * Redrive on one machine with nothing installed: an embedded KRaft broker, an embedded PostgreSQL,
 * a schema registry over HTTP and the three services, their state in one data folder ({@code
 * --data}, default {@code ~/.redrive/local}) that a restart goes on with; then a demo execution
 * whose phase fails once and succeeds on the retry that carries its context. Ctrl-C stops
 * everything.
 */
public final class LocalRedrive {

  private LocalRedrive() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "dev.redrive");
    LocalOptions options;
    try {
      options = LocalOptions.parse(Arrays.asList(args), Path.of(System.getProperty("user.home")));
    } catch (IllegalArgumentException e) {
      System.err.println("redrive-local: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help()) {
      say(LocalOptions.USAGE);
      return;
    }
    int basePort = Integer.getInteger("redrive.local.port", 8091);
    RegistryAccess access =
        new RegistryAccess(System.getenv("REDRIVE_API_TOKEN"), System.getenv("REDRIVE_READ_TOKEN"));
    LocalMode local;
    try {
      local =
          LocalMode.start(
              new LocalMode.Settings(
                  options.data(),
                  options.fresh(),
                  options.pipelines(),
                  new int[] {basePort, basePort + 1, basePort + 2, basePort + 3},
                  access,
                  Map.of()),
              LocalRedrive::say);
    } catch (RuntimeException e) {
      System.err.println("redrive-local: cannot start: " + rootMessage(e));
      System.exit(1);
      return;
    }
    // Ctrl-C and SIGTERM stop the parts in order (services, then registry, broker and database)
    // before the JVM's shutdown hooks run; left to the hooks, they would stop concurrently and
    // hang.
    Runnable stop =
        () -> {
          say("Stopping Redrive ...");
          local.close();
          say("Stopped. The data stays in " + local.data().root() + " (--fresh starts clean).");
          System.exit(0);
        };
    for (String signal : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(signal), received -> new Thread(stop, "redrive-local-stop").start());
    }
    banner(local, access);
    if (options.demo()) {
      runDemos(local);
    }
    say("Press Ctrl-C to stop.");
    Thread.currentThread().join();
  }

  private static void banner(LocalMode local, RegistryAccess access) {
    RedriveCluster cluster = local.cluster();
    String runner = "http://localhost:" + RedriveCluster.port(cluster.runner());
    String coordinator = "http://localhost:" + RedriveCluster.port(cluster.coordinator());
    String audit = "http://localhost:" + RedriveCluster.port(cluster.audit());
    Path root = local.data().root();
    say("");
    say("Redrive is running:");
    say("  Kafka bootstrap    " + local.infrastructure().kafkaBootstrapServers());
    say("  schema registry    " + local.registryUrl() + "   (Confluent REST API)");
    say("  PostgreSQL         " + local.infrastructure().jdbcUrl("postgres"));
    say("  phase-runner       " + runner + "   (GET /api/v1/pipelines, POST /api/v1/executions)");
    say(
        "  retry-coordinator  "
            + coordinator
            + "   (GET /api/v1/executions, GET /api/v1/executions/{id})");
    say(
        "  audit              "
            + audit
            + "   (pages / and /executions/{id}, GET /api/v1/executions/{id}/events)");
    say("  metrics            " + coordinator + "/actuator/prometheus (and on each service)");
    say(
        "  data folder        "
            + root
            + (local.firstStart()
                ? "   (new)"
                : "   (kept from the last run; --fresh starts clean)"));
    say(
        "  pipelines          "
            + local.pipelines()
            + "   (*.yaml, read again every "
            + LocalMode.PIPELINE_RELOAD.toSeconds()
            + "s)");
    say("  settings           " + root.resolve("config") + "/{runner,coordinator,audit}.yml");
    say(
        "  access             "
            + (access.open()
                ? "open to this machine (loopback only); REDRIVE_API_TOKEN=... asks for a token"
                : "REDRIVE_API_TOKEN asked for by every service and the schema registry"));
    say("  guide              docs/local.md");
    say("");
  }

  private static void runDemos(LocalMode local) throws Exception {
    RedriveCluster cluster = local.cluster();
    String runner = "http://localhost:" + RedriveCluster.port(cluster.runner());
    String coordinator = "http://localhost:" + RedriveCluster.port(cluster.coordinator());
    String audit = "http://localhost:" + RedriveCluster.port(cluster.audit());
    String[][] demos = {
      {"demo", "phase 'build' fails once, the retry carries its context"},
      {
        "review",
        "check 'has-summary' of phase 'review' fails, its loop sends the work back to 'write'"
      }
    };
    for (String[] demo : demos) {
      if (!local.pipelines().resolve(demo[0] + ".yaml").toFile().isFile()) {
        say("Demo '%s' skipped: %s has no %s.yaml".formatted(demo[0], local.pipelines(), demo[0]));
        continue;
      }
      LocalDemo.runDemo(runner, coordinator, audit, demo[0], demo[1]);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String top = e.getMessage();
    String root = cause.getMessage();
    if (cause == e || root == null || (top != null && top.contains(root))) {
      return top;
    }
    return top + ": " + root;
  }

  static void say(String line) {
    System.out.println(line);
  }
}
