package dev.redrive.local;

import dev.redrive.testkit.EmbeddedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Redrive on one machine with nothing installed: an embedded KRaft broker, an embedded PostgreSQL,
 * the in-memory schema registry and the three services, then a demo execution whose phase fails
 * once and succeeds on the retry that carries its context. Ctrl-C stops everything.
 */
public final class LocalRedrive {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private LocalRedrive() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "dev.redrive");
    boolean demo = !java.util.Arrays.asList(args).contains("--no-demo");
    int basePort = Integer.getInteger("redrive.local.port", 8091);
    Path workspaces = Files.createTempDirectory("redrive-workspaces");

    say("Starting embedded Kafka (KRaft) and PostgreSQL ...");
    EmbeddedInfrastructure infrastructure = EmbeddedInfrastructure.start();
    say("Starting phase-runner, retry-coordinator and audit ...");
    RedriveCluster cluster;
    try {
      cluster =
          RedriveCluster.start(
              new RedriveCluster.Settings(
                  infrastructure.kafkaBootstrapServers(),
                  infrastructure.jdbcUrl("postgres"),
                  infrastructure.jdbcUser(),
                  infrastructure.jdbcPassword(),
                  "mock://redrive-local",
                  workspaces,
                  new int[] {basePort, basePort + 1, basePort + 2},
                  Map.of()));
    } catch (RuntimeException e) {
      infrastructure.close();
      throw e;
    }
    // Ctrl-C and SIGTERM stop the parts in order (services, then broker and database) before the
    // JVM's shutdown hooks run; left to the hooks, they would stop concurrently and hang.
    Runnable stop =
        () -> {
          say("Stopping Redrive ...");
          cluster.close();
          infrastructure.close();
          say("Stopped.");
          System.exit(0);
        };
    for (String signal : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(signal), received -> new Thread(stop, "redrive-local-stop").start());
    }

    String runner = "http://localhost:" + RedriveCluster.port(cluster.runner());
    String coordinator = "http://localhost:" + RedriveCluster.port(cluster.coordinator());
    String audit = "http://localhost:" + RedriveCluster.port(cluster.audit());
    say("");
    say("Redrive is running:");
    say("  Kafka bootstrap    " + infrastructure.kafkaBootstrapServers());
    say("  PostgreSQL         " + infrastructure.jdbcUrl("postgres"));
    say("  phase-runner       " + runner + "   (GET /api/v1/pipelines, POST /api/v1/executions)");
    say("  retry-coordinator  " + coordinator + "   (GET /api/v1/executions/{id})");
    say("  audit              " + audit + "   (GET /api/v1/executions/{id}/events)");
    say("  metrics            " + coordinator + "/actuator/prometheus (and on each service)");
    say("  workspaces         " + workspaces);
    say("");
    if (demo) {
      runDemo(
          runner,
          coordinator,
          audit,
          "demo",
          "phase 'build' fails once, the retry carries its context");
      runDemo(
          runner,
          coordinator,
          audit,
          "review",
          "check 'has-summary' of phase 'review' fails, its loop sends the work back to 'write'");
    }
    say("Press Ctrl-C to stop.");
    Thread.currentThread().join();
  }

  private static void runDemo(
      String runner, String coordinator, String audit, String pipeline, String story)
      throws Exception {
    JsonNode started =
        post(
            runner + "/api/v1/executions",
            "{\"pipeline\":\"%s\",\"parameters\":{\"who\":\"local\"}}".formatted(pipeline));
    String executionId = started.get("executionId").asString();
    say("Demo: started execution %s of pipeline '%s' (%s)".formatted(executionId, pipeline, story));
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    JsonNode timeline = null;
    while (Instant.now().isBefore(deadline)) {
      timeline = get(audit + "/api/v1/executions/" + executionId + "/events");
      if (contains(timeline, "ExecutionSucceeded") || contains(timeline, "InterventionRequired")) {
        break;
      }
      Thread.sleep(250);
    }
    say("");
    say("Timeline of " + executionId + " (from the audit service):");
    for (JsonNode event : timeline) {
      say(
          "  %s  %-22s %s"
              .formatted(
                  event.get("occurredAt").asString(),
                  event.get("type").asString(),
                  describe(event)));
    }
    JsonNode status = get(coordinator + "/api/v1/executions/" + executionId + "/status");
    while (Instant.now().isBefore(deadline)
        && !List.of("SUCCEEDED", "PAUSED").contains(status.get("status").asString())) {
      Thread.sleep(100);
      status = get(coordinator + "/api/v1/executions/" + executionId + "/status");
    }
    say("");
    say("Coordinator status: " + status.get("status").asString());
    say("Open: " + audit + "/executions/" + executionId + "   (the timeline page)");
    say("Try: curl " + audit + "/api/v1/executions/" + executionId + "/events");
    say("     curl " + coordinator + "/api/v1/executions/" + executionId);
    say("");
  }

  private static String describe(JsonNode event) {
    JsonNode payload = event.get("payload").get("payload");
    if (payload == null || payload.isNull()) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    for (String field :
        new String[] {
          "phase", "attemptNumber", "failureType", "errorMessage", "delayMs", "reason"
        }) {
      if (payload.has(field) && !payload.get(field).isNull()) {
        text.append(field).append('=').append(payload.get(field).asString()).append(' ');
      }
    }
    if (payload.has("context")) {
      text.append("guidance=\"")
          .append(payload.get("context").get("guidance").asString().replace('\n', ' '))
          .append('"');
    }
    return text.toString().strip();
  }

  private static boolean contains(JsonNode timeline, String type) {
    for (JsonNode event : timeline) {
      if (type.equals(event.get("type").asString())) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static JsonNode post(String url, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(
          "POST " + url + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
