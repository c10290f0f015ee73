package dev.redrive.coordinator;

import static dev.redrive.coordinator.CoordinatorUnderTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.PolicyChanged;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.Retryability;
import dev.redrive.contract.EventKeys;
import dev.redrive.coordinator.CoordinatorUnderTest.Answer;
import dev.redrive.coordinator.app.policy.ChangePolicies;
import dev.redrive.coordinator.app.policy.PolicyEvents;
import dev.redrive.coordinator.app.policy.PolicyLimits;
import dev.redrive.coordinator.app.policy.StoredPolicies;
import dev.redrive.coordinator.config.CoordinatorProperties;
import dev.redrive.coordinator.domain.PolicyCatalog;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.coordinator.persistence.JdbcPolicyStore;
import dev.redrive.support.topic.RedriveTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Policies as data on a real broker and PostgreSQL: changed through REST without a restart,
 * versioned with who and why, overridden for one execution, picked up by another instance by
 * polling, seeded from the YAML only when it changed, and an override dropped when its execution
 * ends. The methods build on each other's versions, so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyStoreIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;

  @BeforeAll
  static void startCoordinator() {
    coordinator =
        new CoordinatorUnderTest(
            "redrive.coordinator.policy.initial-interval=100ms",
            "redrive.coordinator.policies.max-execution-overrides=3");
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  @Order(1)
  void aChangeThroughRestDecidesTheNextFailureWithoutARestartAndKeepsWhoAndWhy() throws Exception {
    // given the configuration's policies, seeded at start
    JsonNode seeded = coordinator.get("/api/v1/policies").body();
    long version = seeded.path("version").asLong();
    assertThat(seeded.path("origin").asString()).isEqualTo("configuration");
    ObjectNode document = (ObjectNode) seeded.path("policy");
    ((ObjectNode) document.path("pipelines"))
        .set("demo", JSON.readTree("{\"phases\": {\"build\": {\"maxAttempts\": 4}}}"));

    // when a person gives demo/build four attempts
    Answer put = put("/api/v1/policies", change(document, "build runner is flaky", version));

    // then it is a new version, and the next failure of demo/build is decided under it
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.body().path("version").asLong()).isEqualTo(version + 1);
    assertThat(put.body().path("summary").asString())
        .isEqualTo("pipelines.demo.phases.build.maxAttempts (none) -> 4");
    String executionId = "policy-" + UUID.randomUUID();
    send(TestEvents.failure(executionId, "billing", "demo", "build", 1, Retryability.SOFT));
    assertThat(retryOf(executionId).getMaxAttempts()).isEqualTo(4);

    // and the history says who changed it and why
    JsonNode history = coordinator.get("/api/v1/policies/versions?limit=1").body();
    assertThat(history.path("versions").get(0).path("version").asLong()).isEqualTo(version + 1);
    assertThat(history.path("versions").get(0).path("changedBy").asString()).isEqualTo("alice");
    assertThat(history.path("versions").get(0).path("reason").asString())
        .isEqualTo("build runner is flaky");
    assertThat(history.path("versions").get(0).path("origin").asString()).isEqualTo("api");
    assertThat(history.path("next").asLong()).isEqualTo(version + 1);
    JsonNode stored = coordinator.get("/api/v1/policies/versions/" + (version + 1)).body();
    assertThat(stored.at("/policy/pipelines/demo/phases/build/maxAttempts").asInt()).isEqualTo(4);
    assertThat(coordinator.get("/api/v1/policies/versions/999").status()).isEqualTo(404);
    PolicyChanged audited = policyChange(EventKeys.POLICIES, version + 1);
    assertThat(audited.getScope()).isEqualTo("policies");
    assertThat(audited.getRequestedBy()).isEqualTo("alice");
    assertThat(audited.getSummary()).isEqualTo(put.body().path("summary").asString());
  }

  @Test
  @Order(2)
  void refusesAStaleVersionABadFieldOversizedInputAndAMissingToken() throws Exception {
    JsonNode current = coordinator.get("/api/v1/policies").body();
    long version = current.path("version").asLong();
    ObjectNode document = (ObjectNode) current.path("policy");

    Answer stale = put("/api/v1/policies", change(document, "stale", version - 1));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.body().path("field").asString()).isEqualTo("expectedVersion");
    assertThat(stale.body().path("detail").asString())
        .contains("version " + version + " is in force");

    ObjectNode zero = document.deepCopy();
    ((ObjectNode) zero.at("/pipelines/demo/phases/build")).put("maxAttempts", 0);
    Answer bad = put("/api/v1/policies", change(zero, "zero", null));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().path("field").asString())
        .isEqualTo("policy.pipelines.demo.phases.build.maxAttempts");
    assertThat(bad.body().path("detail").asString()).endsWith("must be at least 1, was 0");

    ObjectNode unknown = document.deepCopy();
    ((ObjectNode) unknown.path("defaults")).put("maxAttempt", 3);
    assertThat(field(put("/api/v1/policies", change(unknown, "typo", null))))
        .isEqualTo("policy.defaults.maxAttempt");

    ObjectNode padded = document.deepCopy();
    padded.put("padding", "x".repeat(70_000));
    Answer oversized = put("/api/v1/policies", change(padded, "too big", null));
    assertThat(oversized.status()).isEqualTo(413);
    assertThat(oversized.body().path("field").asString()).isEqualTo("policy");
    assertThat(oversized.body().path("detail").asString()).contains("at most 65536 bytes");

    assertThat(field(put("/api/v1/policies", change(document, " ", null)))).isEqualTo("reason");
    Answer longReason = put("/api/v1/policies", change(document, "x".repeat(20_000), null));
    assertThat(longReason.status()).isEqualTo(413);
    assertThat(longReason.body().path("field").asString()).isEqualTo("reason");
    ObjectNode longName = change(document, "who", null);
    longName.put("requestedBy", "x".repeat(300));
    assertThat(field(put("/api/v1/policies", longName))).isEqualTo("requestedBy");
    ObjectNode negative = change(document, "minus", null);
    negative.put("expectedVersion", -1);
    assertThat(field(put("/api/v1/policies", negative))).isEqualTo("expectedVersion");
    assertThat(field(coordinator.get("/api/v1/policies/versions?limit=201"))).isEqualTo("limit");
    assertThat(field(coordinator.get("/api/v1/policies/versions?before=0"))).isEqualTo("before");

    String body = JSON.writeValueAsString(change(document, "no token", null));
    assertThat(coordinator.request("PUT", "/api/v1/policies", body, null).status()).isEqualTo(401);
    String override = "{\"override\": {\"maxAttempts\": 5}, \"reason\": \"no token\"}";
    assertThat(coordinator.request("PUT", "/api/v1/executions/e-1/policy", override, null).status())
        .isEqualTo(401);
    assertThat(
            coordinator
                .request("DELETE", "/api/v1/executions/e-1/policy", "{\"reason\": \"x\"}", null)
                .status())
        .isEqualTo(401);
    assertThat(coordinator.get("/api/v1/policies").body().path("version").asLong())
        .isEqualTo(version);
  }

  @Test
  @Order(3)
  void anExecutionsOverrideChangesOnlyThatExecutionsDecisionsUntilItIsCleared() throws Exception {
    String mine = "override-" + UUID.randomUUID();
    String other = "plain-" + UUID.randomUUID();
    String path = "/api/v1/executions/" + mine + "/policy";

    // when a person gives one execution five attempts
    Answer set =
        put(
            path,
            "{\"override\": {\"maxAttempts\": 5, \"initialInterval\": \"50ms\"},"
                + " \"reason\": \"give it room\", \"requestedBy\": \"carol\"}");
    assertThat(set.status()).isEqualTo(200);
    assertThat(set.body().path("version").asLong()).isEqualTo(1);
    send(TestEvents.failure(mine, "billing", "payments", "charge", 1, Retryability.SOFT));
    send(TestEvents.failure(other, "billing", "payments", "charge", 1, Retryability.SOFT));

    // then its failures are decided under the override, and the others' are not
    assertThat(retryOf(mine).getMaxAttempts()).isEqualTo(5);
    assertThat(retryOf(other).getMaxAttempts()).isEqualTo(2);
    JsonNode shown = coordinator.get(path).body();
    assertThat(shown.at("/override/maxAttempts").asInt()).isEqualTo(5);
    assertThat(shown.at("/phases/0/phase").asString()).isEqualTo("charge");
    assertThat(shown.at("/phases/0/policy/maxAttempts").asInt()).isEqualTo(5);
    assertThat(shown.at("/phases/0/origins/maxAttempts").asString()).isEqualTo("execution");
    assertThat(shown.at("/phases/0/origins/multiplier").asString()).isEqualTo("default");
    PolicyChanged audited = policyChange(mine, 1);
    assertThat(audited.getScope()).isEqualTo("execution");
    assertThat(audited.getPolicyExecutionId()).isEqualTo(mine);
    assertThat(audited.getRequestedBy()).isEqualTo("carol");

    // and a bad override names its field
    assertThat(field(put(path, "{\"override\": {\"maxAttemps\": 5}, \"reason\": \"typo\"}")))
        .isEqualTo("override.maxAttemps");
    assertThat(field(put(path, "{\"override\": {}, \"reason\": \"empty\"}"))).isEqualTo("override");

    // when it is cleared, it is gone (and clearing it again finds nothing)
    assertThat(delete(path, "done").status()).isEqualTo(200);
    assertThat(coordinator.get(path).body().path("override").isNull()).isTrue();
    assertThat(delete(path, "again").status()).isEqualTo(404);

    // and beyond the bound of live overrides a new one is refused, saying which setting
    List<String> three = List.of("a-" + mine, "b-" + mine, "c-" + mine);
    for (String id : three) {
      assertThat(put("/api/v1/executions/" + id + "/policy", maxAttempts(3)).status())
          .isEqualTo(200);
    }
    Answer fourth = put("/api/v1/executions/d-" + mine + "/policy", maxAttempts(3));
    assertThat(fourth.status()).isEqualTo(409);
    assertThat(fourth.body().path("detail").asString()).contains("max-execution-overrides");
    for (String id : three) {
      delete("/api/v1/executions/" + id + "/policy", "cleanup");
    }
  }

  @Test
  @Order(4)
  void anotherInstancesChangeIsPickedUpByPolling() throws Exception {
    // given a second store on the same database, as another instance has
    JdbcPolicyStore store = new JdbcPolicyStore(coordinator.jdbc(), JSON);
    StoredPolicies elsewhere = new StoredPolicies(store);
    JsonNode current = coordinator.get("/api/v1/policies").body();
    long version = current.path("version").asLong();
    assertThat(elsewhere.current().version()).isEqualTo(version);

    // when this instance changes the policies, the other picks the change up when it polls
    ObjectNode document = (ObjectNode) current.path("policy");
    ((ObjectNode) document.path("sources")).set("billing", JSON.readTree("{\"maxAttempts\": 3}"));
    assertThat(put("/api/v1/policies", change(document, "billing", version)).status())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              elsewhere.refreshIfChanged();
              return elsewhere.current().version();
            },
            polled -> polled == version + 1);
    assertThat(
            elsewhere
                .current()
                .resolve("x", "billing", "any", "p", PolicyOverride.NONE)
                .policy()
                .maxAttempts())
        .isEqualTo(3);

    // when the other instance changes them, this one applies it within its refresh interval
    ChangePolicies changeElsewhere =
        new ChangePolicies(
            store,
            coordinator.context().getBean(PolicyEvents.class),
            elsewhere,
            new PolicyLimits(10),
            new SimpleMeterRegistry());
    ((ObjectNode) document.at("/sources/billing")).put("maxAttempts", 6);
    Map<String, Object> tree = JSON.convertValue(document, new TypeReference<>() {});
    new TransactionTemplate(coordinator.context().getBean(PlatformTransactionManager.class))
        .executeWithoutResult(
            tx -> changeElsewhere.set(tree, version + 1, "bob", "from the other instance"));
    MeterRegistry meters = coordinator.context().getBean(MeterRegistry.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> meters.get("redrive.policy.version").gauge().value() == version + 2);
    String executionId = "polled-" + UUID.randomUUID();
    send(TestEvents.failure(executionId, "billing", "payments", "charge", 1, Retryability.SOFT));
    assertThat(retryOf(executionId).getMaxAttempts()).isEqualTo(6);
  }

  @Test
  @Order(5)
  void theConfigurationSeedsANewVersionOnlyWhenItChanged() throws Exception {
    long version = coordinator.get("/api/v1/policies").body().path("version").asLong();
    var context = coordinator.context();
    PolicySet configured =
        new PolicySet(
            0,
            context.getBean(PolicyCatalog.class),
            context.getBean(CoordinatorProperties.class).budget().toRetryBudget(),
            Map.of());

    // an unchanged configuration keeps what people set through the API
    assertThat(context.getBean(ChangePolicies.class).seed(configured).changed()).isFalse();
    assertThat(coordinator.get("/api/v1/policies").body().path("version").asLong())
        .isEqualTo(version);

    // a changed one, at the next start, is a new version by the configuration
    coordinator.restartWith("redrive.coordinator.policy.max-attempts=3");
    JsonNode current = coordinator.get("/api/v1/policies").body();
    assertThat(current.path("version").asLong()).isEqualTo(version + 1);
    assertThat(current.path("origin").asString()).isEqualTo("configuration");
    assertThat(current.path("summary").asString()).contains("defaults.maxAttempts 2 -> 3");
    assertThat(policyChange(EventKeys.POLICIES, version + 1).getOrigin())
        .isEqualTo("configuration");
  }

  private static ObjectNode change(JsonNode document, String reason, Long expectedVersion) {
    ObjectNode body = JSON.createObjectNode();
    body.set("policy", document);
    body.put("reason", reason);
    body.put("requestedBy", "alice");
    if (expectedVersion != null) {
      body.put("expectedVersion", expectedVersion);
    }
    return body;
  }

  private static String maxAttempts(int n) {
    return "{\"override\": {\"maxAttempts\": %d}, \"reason\": \"bound\"}".formatted(n);
  }

  private static Answer put(String path, Object body) throws Exception {
    String json = body instanceof String text ? text : JSON.writeValueAsString(body);
    return coordinator.request("PUT", path, json, TOKEN);
  }

  private static Answer delete(String path, String reason) throws Exception {
    return coordinator.request("DELETE", path, "{\"reason\": \"%s\"}".formatted(reason), TOKEN);
  }

  @Test
  @Order(6)
  void anExecutionsOverrideIsDroppedWhenTheExecutionEnds() throws Exception {
    String succeeds = "ends-ok-" + UUID.randomUUID();
    String cancelled = "ends-cancelled-" + UUID.randomUUID();
    for (String id : List.of(succeeds, cancelled)) {
      assertThat(put("/api/v1/executions/" + id + "/policy", maxAttempts(4)).status())
          .isEqualTo(200);
    }

    // when one execution succeeds and the other is cancelled
    kafka.send(
        RedriveTopics.PROCESS_EVENTS.name(),
        succeeds,
        TestEvents.executionSucceeded(succeeds, "payments"));
    kafka.send(
        RedriveTopics.PROCESS_EVENTS.name(),
        cancelled,
        TestEvents.executionCancelled(cancelled, "payments"));

    // then the coordinator drops both overrides, each a change of its own with why
    for (String id : List.of(succeeds, cancelled)) {
      PolicyChanged dropped = policyChange(id, 2);
      assertThat(dropped.getOrigin()).isEqualTo("coordinator");
      assertThat(dropped.getRequestedBy()).isNull();
      assertThat(dropped.getReason()).contains("the execution", "nothing is left to decide");
      assertThat(
              coordinator
                  .get("/api/v1/executions/" + id + "/policy")
                  .body()
                  .path("override")
                  .isNull())
          .isTrue();
    }
    assertThat(policyChange(succeeds, 2).getReason()).contains("succeeded");
    assertThat(policyChange(cancelled, 2).getReason()).contains("was cancelled");
    // and the override's history says who made each change, as the events do
    for (String id : List.of(succeeds, cancelled)) {
      assertThat(
              coordinator
                  .jdbc()
                  .sql(
                      "SELECT origin FROM execution_policy_change WHERE execution_id = ?"
                          + " ORDER BY version")
                  .param(id)
                  .query(String.class)
                  .list())
          .containsExactly("api", "coordinator");
    }
  }

  private static String field(Answer answer) {
    assertThat(answer.status()).as("status of %s", answer.body()).isEqualTo(400);
    return answer.body().path("field").asString();
  }

  private static void send(AttemptEvent event) throws Exception {
    kafka.send(RedriveTopics.ATTEMPTS.name(), event.getExecutionId(), event);
  }

  private static RetryCommand retryOf(String executionId) {
    return (RetryCommand)
        ((CommandEvent) kafka.read(RedriveTopics.COMMANDS.name(), executionId, 1).get(0))
            .getPayload();
  }

  private static PolicyChanged policyChange(String key, long version) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kafka.read(RedriveTopics.DECISIONS.name(), key, 1).stream()
                    .map(d -> ((DecisionEvent) d).getPayload())
                    .filter(PolicyChanged.class::isInstance)
                    .map(PolicyChanged.class::cast)
                    .filter(p -> p.getVersion() == version)
                    .findFirst()
                    .orElse(null),
            p -> p != null);
  }
}
