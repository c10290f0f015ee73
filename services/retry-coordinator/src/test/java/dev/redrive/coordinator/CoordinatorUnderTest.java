package dev.redrive.coordinator;

import dev.redrive.testkit.RedriveInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A retry-coordinator started on the shared test infrastructure, with its own database. */
final class CoordinatorUnderTest implements AutoCloseable {

  static final String TOKEN = "test-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();
  final String registryUrl = infrastructure.schemaRegistryUrl();
  final String databaseUrl;
  private ConfigurableApplicationContext context;
  private List<String> settings;

  /** A response: status and body (JSON, or null when the body is empty). */
  record Answer(int status, JsonNode body) {}

  CoordinatorUnderTest(String... settings) {
    this.databaseUrl = infrastructure.createDatabase("coordinator");
    this.settings = List.of(settings);
    start();
  }

  /** Starts (again) on the same database, broker and registry. */
  void start() {
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + databaseUrl);
    args.add("--spring.datasource.username=" + infrastructure.jdbcUser());
    args.add("--spring.datasource.password=" + infrastructure.jdbcPassword());
    args.add("--spring.kafka.bootstrap-servers=" + infrastructure.kafkaBootstrapServers());
    args.add("--spring.kafka.properties.schema.registry.url=" + registryUrl);
    args.add("--redrive.coordinator.sources-group-id=coordinator-" + databaseUrl.hashCode());
    args.add("--server.port=0");
    args.add("--redrive.security.api-token=" + TOKEN);
    args.add("--redrive.kafka.handler-retry-interval=100ms");
    settings.forEach(s -> args.add("--" + s));
    context = RetryCoordinatorApplication.builder().run(args.toArray(String[]::new));
  }

  /** Stops, then starts again on the same database with these settings added. */
  void restartWith(String... moreSettings) {
    stop();
    List<String> all = new ArrayList<>(settings);
    all.addAll(List.of(moreSettings));
    settings = List.copyOf(all);
    start();
  }

  /** Stops the application context (its consumers, relay and pool), leaving broker and database. */
  void stop() {
    context.close();
  }

  JdbcClient jdbc() {
    return context.getBean(JdbcClient.class);
  }

  ConfigurableApplicationContext context() {
    return context;
  }

  /** The failure counts of the execution's phases that have one ({@code phase_failure_count}). */
  List<Integer> failureCounts(String executionId) {
    return jdbc()
        .sql("SELECT failed_attempts FROM phase_failure_count WHERE execution_id = ?")
        .param(executionId)
        .query(Integer.class)
        .list();
  }

  Answer get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** A read with a bearer token (a coordinator started with a read token needs one). */
  Answer get(String path, String token) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET());
  }

  Answer post(String path, String json) throws Exception {
    return post(path, json, TOKEN);
  }

  Answer post(String path, String json, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  /** A request with any method and a JSON body (none when null), with the token when not null. */
  Answer request(String method, String path, String json, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  private Answer send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        response.statusCode(), response.body().isBlank() ? null : JSON.readTree(response.body()));
  }

  private URI uri(String path) {
    return URI.create(
        "http://localhost:" + context.getEnvironment().getProperty("local.server.port") + path);
  }

  @Override
  public void close() {
    if (context.isActive()) {
      context.close();
    }
  }
}
