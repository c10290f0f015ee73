package dev.redrive.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.audit.AuditApplication;
import dev.redrive.coordinator.RetryCoordinatorApplication;
import dev.redrive.runner.PhaseRunnerApplication;
import dev.redrive.support.outbox.OutboxRelay;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.support.topic.Topic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kafka as a control plane: the three services on a broker that authenticates every client
 * (SASL/PLAIN) and authorizes every request ({@code StandardAuthorizer}, nothing allowed without an
 * ACL), each service logged in as its own principal through standard {@code spring.kafka.*} keys,
 * with only the grants of {@code deploy/kafka/redrive-acls.txt}. The topics are created by the
 * super user beforehand, as {@code deploy/kafka/acls.sh} does; the services find them and create
 * nothing.
 */
class KafkaAclsIT {

  private static final Map<String, String> USERS =
      Map.of(
          "redrive_runner", "runner-secret",
          "redrive_coordinator", "coordinator-secret",
          "redrive_audit", "audit-secret");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static BrokerProcess broker;
  private static final List<ConfigurableApplicationContext> services = new ArrayList<>();
  private static ConfigurableApplicationContext runner;
  private static ConfigurableApplicationContext audit;

  @BeforeAll
  static void startSecuredBrokerAndServices() throws Exception {
    Path dir = Path.of("target", "faults", "kafka-acls-" + System.nanoTime()).toAbsolutePath();
    broker = BrokerProcess.startSecured(dir.resolve("broker"), "admin-secret", USERS);
    try (Admin admin = Admin.create(broker.adminConfig())) {
      admin.createTopics(redriveTopics()).all().get(30, TimeUnit.SECONDS);
      admin.createAcls(KafkaAcls.fromFile()).all().get(30, TimeUnit.SECONDS);
    }
    String database = Postgres.createDatabase("kafka_acls");
    services.add(
        start(
            RetryCoordinatorApplication.builder(),
            "redrive_coordinator",
            database,
            "redrive.coordinator.policy.initial-interval=100ms"));
    audit = start(AuditApplication.builder(), "redrive_audit", database);
    services.add(audit);
    runner =
        start(
            PhaseRunnerApplication.builder(),
            "redrive_runner",
            database,
            "redrive.runner.workspace-root=" + dir.resolve("workspaces"));
    services.add(runner);
  }

  @AfterAll
  static void stop() {
    for (int i = services.size() - 1; i >= 0; i--) {
      services.get(i).close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aFailureBecomesARetryCommandThatTheAuditStoresEachServiceUnderItsOwnPrincipal()
      throws Exception {
    // when the runner starts the demo pipeline, whose build phase fails once
    HttpResponse<String> started =
        HTTP.send(
            HttpRequest.newBuilder(url(runner, "/api/v1/executions"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"pipeline\":\"demo\",\"parameters\":{\"who\":\"acls\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    String executionId = JSON.readTree(started.body()).path("executionId").asString();

    // then the coordinator retries it, the runner runs the retry, and the audit stores it all
    List<String> types =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> timelineTypes(executionId),
                t -> t.contains("ExecutionSucceeded") && t.contains("RetryCommand"));
    assertThat(types).contains("AttemptFailed", "RetryScheduled", "RetryCommand");
  }

  @Test
  void aPrincipalIsRefusedWhatNoAclGrantsIt() {
    // only the coordinator may send commands, and nobody but the runner may report attempts
    assertThat(send("redrive_runner", RedriveTopics.COMMANDS.name()))
        .isInstanceOf(TopicAuthorizationException.class);
    assertThat(send("redrive_audit", RedriveTopics.ATTEMPTS.name()))
        .isInstanceOf(TopicAuthorizationException.class);
    // the runner may not read the coordinator's decisions
    assertThat(poll("redrive_runner", null, RedriveTopics.DECISIONS.name()))
        .isInstanceOf(TopicAuthorizationException.class);
    // the audit may read attempts, but not as the coordinator's consumer group
    assertThat(poll("redrive_audit", "coordinator-attempts", RedriveTopics.ATTEMPTS.name()))
        .isInstanceOf(GroupAuthorizationException.class);
    // the coordinator may not take a transactional id of the runner's relay (it would fence it)
    assertThat(initTransactions("redrive_coordinator", "redrive-runner-outbox-x"))
        .isInstanceOf(TransactionalIdAuthorizationException.class);
    assertThat(initTransactions("redrive_runner", "redrive-runner-outbox-x")).isNull();
    // and a wrong password does not log in at all
    assertThat(send("redrive_runner", "wrong-password", RedriveTopics.ATTEMPTS.name()))
        .isInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void aServiceThatMayNotCreateAMissingTopicStillStarts() throws Exception {
    // given an external source whose topic nobody created, and a coordinator without CREATE
    String missing = "billing.failures." + System.nanoTime();

    // when the coordinator starts with that source (listeners off: its groups stay undisturbed)
    try (ConfigurableApplicationContext coordinator =
        start(
            RetryCoordinatorApplication.builder(),
            "redrive_coordinator",
            Postgres.createDatabase("kafka_acls_missing"),
            "spring.kafka.listener.auto-startup=false",
            "redrive.coordinator.sources.billing.topic=" + missing,
            "redrive.coordinator.sources.billing.format=JSON",
            "redrive.coordinator.sources.billing.mapping.execution-id=order",
            "redrive.coordinator.sources.billing.mapping.phase=step",
            "redrive.coordinator.sources.billing.mapping.message=error")) {

      // then it runs, and the topic was not created behind the admin's back
      assertThat(coordinator.isActive()).isTrue();
      try (Admin admin = Admin.create(broker.adminConfig())) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(missing);
      }
    }
  }

  /** What the super user creates before the services start (what the services would create). */
  private static List<NewTopic> redriveTopics() {
    List<NewTopic> topics = new ArrayList<>();
    for (Topic topic : RedriveTopics.ALL) {
      topics.add(new NewTopic(topic.name(), 3, (short) 1));
      topics.add(new NewTopic(topic.deadLetterTopic(), 3, (short) 1));
    }
    topics.add(OutboxRelay.progressTopic((short) 1));
    return topics;
  }

  /** A service logged in as its principal, with nothing but standard spring.kafka.* keys. */
  private static ConfigurableApplicationContext start(
      SpringApplicationBuilder builder, String user, String database, String... own) {
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + Postgres.jdbcUrl(Postgres.port(), database));
    args.add("--spring.datasource.username=" + Postgres.USER);
    args.add("--spring.datasource.password=" + Postgres.PASSWORD);
    args.add("--spring.kafka.bootstrap-servers=" + broker.bootstrapServers());
    args.add("--spring.kafka.security.protocol=SASL_PLAINTEXT");
    args.add("--spring.kafka.properties.sasl.mechanism=PLAIN");
    args.add(
        "--spring.kafka.properties.sasl.jaas.config="
            + BrokerProcess.plainLogin(user, USERS.get(user)));
    args.add("--spring.kafka.properties.schema.registry.url=mock://kafka-acls");
    args.add("--spring.profiles.active=local");
    args.add("--spring.main.banner-mode=off");
    args.add("--server.port=0");
    args.add("--redrive.outbox.poll-interval=100ms");
    for (String setting : own) {
      args.add("--" + setting);
    }
    return builder.run(args.toArray(String[]::new));
  }

  private static List<String> timelineTypes(String executionId) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(url(audit, "/api/v1/executions/" + executionId + "/events"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    List<String> types = new ArrayList<>();
    if (response.statusCode() == 200) {
      for (JsonNode event : JSON.readTree(response.body())) {
        types.add(event.path("type").asString());
      }
    }
    return types;
  }

  private static URI url(ConfigurableApplicationContext service, String path) {
    return URI.create(
        "http://127.0.0.1:"
            + service.getEnvironment().getRequiredProperty("local.server.port")
            + path);
  }

  /** The cause of the refusal of one record sent as this user, or null when it was accepted. */
  private static Throwable send(String user, String topic) {
    return send(user, USERS.get(user), topic);
  }

  private static Throwable send(String user, String password, String topic) {
    Map<String, Object> config = client(user, password);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, new byte[] {1})).get(15, TimeUnit.SECONDS);
      return null;
    } catch (Exception e) {
      return rootCause(e);
    }
  }

  /** The cause of the refusal of starting a transactional producer with this id, or null. */
  private static Throwable initTransactions(String user, String transactionalId) {
    Map<String, Object> config = client(user, USERS.get(user));
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      return null;
    } catch (Exception e) {
      return rootCause(e);
    }
  }

  /**
   * The cause of the refusal of reading the topic as this user, or null: in the consumer group, or
   * without one (partition 0, no group to join) when {@code group} is null.
   */
  private static Throwable poll(String user, String group, String topic) {
    Map<String, Object> config = client(user, USERS.get(user));
    if (group != null) {
      config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      if (group == null) {
        consumer.assign(List.of(new TopicPartition(topic, 0)));
      } else {
        consumer.subscribe(List.of(topic));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500));
      }
      return null;
    } catch (Exception e) {
      return rootCause(e);
    }
  }

  private static Map<String, Object> client(String user, String password) {
    Map<String, Object> config = new HashMap<>(BrokerProcess.saslClient(user, password));
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return config;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }
}
