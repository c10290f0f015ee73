package dev.redrive.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The launcher's demo: starts an execution of a pipeline and prints its timeline from the audit
 * service and its status from the coordinator.
 */
final class LocalDemo {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private LocalDemo() {}

  static void runDemo(
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
                  event.get("occurredAt").asString(), event.get("type").asString(), describe(event))
              .stripTrailing());
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
            authorized(HttpRequest.newBuilder(URI.create(url))).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static JsonNode post(String url, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            authorized(HttpRequest.newBuilder(URI.create(url)))
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

  /** With the launcher's token, when it runs with one (then every service asks for it). */
  private static HttpRequest.Builder authorized(HttpRequest.Builder request) {
    String token = System.getenv("REDRIVE_API_TOKEN");
    return token == null || token.isBlank()
        ? request
        : request.header("Authorization", "Bearer " + token);
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
