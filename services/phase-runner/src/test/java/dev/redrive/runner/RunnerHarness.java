package dev.redrive.runner;

import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptSummary;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.ProcessEvent;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryContext;
import dev.redrive.avro.Rollback;
import dev.redrive.runner.app.CheckpointStore;
import dev.redrive.runner.app.ExecutionStore;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.testkit.RedriveInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A phase-runner on the shared real infrastructure (KRaft broker, PostgreSQL), with the test
 * pipelines of {@code src/test/resources/it-pipelines/}, a producer for commands and a background
 * reader that collects every attempt event, process event and dead-lettered command by execution
 * id. One harness serves all integration tests of the JVM ({@link #shared()}); {@link #start}
 * starts another (for restart tests).
 */
public final class RunnerHarness implements AutoCloseable {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The runner's write token ({@code redrive.security.api-token}); {@link #post} sends it. */
  public static final String TOKEN = "runner-test-token";

  /** One in-memory schema registry for every runner and reader of this JVM. */
  private static final String REGISTRY = infrastructure.schemaRegistryUrl();

  private static RunnerHarness shared;

  private final ConfigurableApplicationContext context;
  private final String registry;
  private final Path workspaces;
  private final String baseUrl;
  private final KafkaProducer<String, Object> producer;
  private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
  private final KafkaConsumer<String, byte[]> reader;
  private final Thread readerThread;
  private volatile boolean reading = true;
  private boolean closed;

  /** One event or dead letter as the reader received it. */
  public record Received(String topic, Object value, String dltReason) {}

  private RunnerHarness(ConfigurableApplicationContext context, String registry, Path workspaces) {
    this.context = context;
    this.registry = registry;
    this.workspaces = workspaces;
    this.baseUrl =
        "http://localhost:" + context.getEnvironment().getRequiredProperty("local.server.port");
    Properties producerProperties = new Properties();
    producerProperties.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", registry), false);
    this.producer = new KafkaProducer<>(producerProperties, new StringSerializer(), serializer);
    Properties consumerProperties = new Properties();
    consumerProperties.put(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    consumerProperties.put(ConsumerConfig.GROUP_ID_CONFIG, "runner-it-reader-" + UUID.randomUUID());
    consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.reader =
        new KafkaConsumer<>(
            consumerProperties, new StringDeserializer(), new ByteArrayDeserializer());
    reader.subscribe(
        List.of(
            RedriveTopics.ATTEMPTS.name(),
            RedriveTopics.PROCESS_EVENTS.name(),
            RedriveTopics.COMMANDS.deadLetterTopic()));
    this.readerThread = new Thread(this::read, "runner-it-reader");
    readerThread.setDaemon(true);
    readerThread.start();
  }

  /** The harness all integration tests share: started once, with two workers. */
  public static synchronized RunnerHarness shared() {
    if (shared == null) {
      shared = start("runner_it", "it-runner", 2, Map.of());
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /**
   * Stops the shared harness, if one runs, for a test whose own runner must be the only member of
   * the command consumers' group (a command it sends would otherwise reach the shared runner, which
   * has other settings); the next {@link #shared()} starts a new one.
   */
  public static synchronized void stopShared() {
    if (shared != null) {
      shared.close();
      shared = null;
    }
  }

  /**
   * Starts a runner on a database of its own.
   *
   * @param extra more {@code --key=value} settings
   */
  public static RunnerHarness start(
      String database, String instanceId, int workers, Map<String, String> extra) {
    return start(
        infrastructure.createDatabase(database), tempDir("runner-ws-"), instanceId, workers, extra);
  }

  /** Starts a runner on the given database, registry and workspace root (a restart). */
  public static RunnerHarness start(
      String jdbcUrl, Path workspaces, String instanceId, int workers, Map<String, String> extra) {
    Path pipelines = pipelines();
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + jdbcUrl);
    args.add("--spring.datasource.username=" + infrastructure.jdbcUser());
    args.add("--spring.datasource.password=" + infrastructure.jdbcPassword());
    args.add("--spring.kafka.bootstrap-servers=" + infrastructure.kafkaBootstrapServers());
    args.add("--spring.kafka.properties.schema.registry.url=" + REGISTRY);
    args.add("--server.port=0");
    args.add("--redrive.security.api-token=" + TOKEN);
    args.add("--redrive.runner.pipelines=file:" + pipelines + "/");
    args.add("--redrive.runner.workspace-root=" + workspaces);
    args.add("--redrive.runner.workers=" + workers);
    args.add("--redrive.runner.instance-id=" + instanceId);
    args.add("--redrive.kafka.handler-retry-interval=100ms");
    args.add("--redrive.outbox.poll-interval=100ms");
    extra.forEach((k, v) -> args.add("--" + k + "=" + v));
    ConfigurableApplicationContext context =
        PhaseRunnerApplication.builder().run(args.toArray(String[]::new));
    return new RunnerHarness(context, REGISTRY, workspaces);
  }

  /**
   * The shipped pipelines and the test pipelines, with {@code ${HTTP_PORT}} replaced by the test
   * webhook's port.
   */
  private static Path pipelines() {
    Path dir = tempDir("runner-pipelines-");
    try {
      for (String source :
          List.of("src/main/resources/pipelines", "src/test/resources/it-pipelines")) {
        try (var files = Files.list(Path.of(source))) {
          for (Path file : files.toList()) {
            String yaml =
                Files.readString(file)
                    .replace("${HTTP_PORT}", Integer.toString(TestWebhook.shared().port()));
            Files.writeString(dir.resolve(file.getFileName().toString()), yaml);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  private static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String baseUrl() {
    return baseUrl;
  }

  public ConfigurableApplicationContext context() {
    return context;
  }

  public String registry() {
    return registry;
  }

  public Path workspaces() {
    return workspaces;
  }

  public String jdbcUrl() {
    return context.getEnvironment().getRequiredProperty("spring.datasource.url");
  }

  public ExecutionStore store() {
    return context.getBean(ExecutionStore.class);
  }

  public CheckpointStore checkpoints() {
    return context.getBean(CheckpointStore.class);
  }

  /** Sends a command on redrive.commands, keyed by its execution id. */
  public void send(CommandEvent command) {
    try {
      producer
          .send(
              new ProducerRecord<>(
                  RedriveTopics.COMMANDS.name(), command.getExecutionId(), command))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException("could not send " + command, e);
    }
  }

  /** A command envelope around the payload. */
  public static CommandEvent command(String executionId, Object payload) {
    return CommandEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource("runner-it")
        .setPayload(payload)
        .build();
  }

  /** A RetryCommand for the phase whose context carries one earlier failure and guidance. */
  public static CommandEvent retryCommand(
      String executionId,
      String phase,
      int attemptNumber,
      int maxAttempts,
      String commandId,
      String guidance) {
    return command(
        executionId,
        RetryCommand.newBuilder()
            .setCommandId(commandId)
            .setPhase(phase)
            .setAttemptNumber(attemptNumber)
            .setMaxAttempts(maxAttempts)
            .setNotBefore(Instant.now())
            .setContext(
                RetryContext.newBuilder()
                    .setExecutionId(executionId)
                    .setPhase(phase)
                    .setCurrentAttempt(attemptNumber)
                    .setMaxAttempts(maxAttempts)
                    .setPriorAttempts(
                        List.of(
                            AttemptSummary.newBuilder()
                                .setAttemptId("att_earlier")
                                .setAttemptNumber(attemptNumber - 1)
                                .setFailureType(FailureType.COMMAND_FAILED)
                                .setErrorType("exit code 4")
                                .setMessage("boom: the real cause")
                                .setOccurredAt(Instant.now())
                                .build()))
                    .setGuidance(guidance)
                    .build())
            .build());
  }

  /**
   * Waits until every command sent before for this execution was handled: sends one that the runner
   * dead-letters (same key, so same partition, so handled after them) and waits for it.
   */
  public void barrier(String executionId) {
    String marker = "barrier-" + UUID.randomUUID();
    send(
        command(
            executionId,
            Rollback.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setToPhase(marker)
                .build()));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                received.getOrDefault(executionId, List.of()).stream()
                    .anyMatch(r -> r.dltReason() != null && r.dltReason().contains(marker)));
  }

  /** POSTs JSON; answers status and body. */
  public HttpResponse<String> post(String path, String json) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(baseUrl + path))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer " + TOKEN)
              .POST(HttpRequest.BodyPublishers.ofString(json))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GETs JSON with the write token (it reads too, when a runner has a read token). */
  public JsonNode get(String path) {
    try {
      return JSON.readTree(
          HTTP.send(
                  HttpRequest.newBuilder(URI.create(baseUrl + path))
                      .header("Authorization", "Bearer " + TOKEN)
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  /** Starts an execution through REST; returns its id. */
  public String start(String pipeline, Map<String, String> parameters) {
    return start(pipeline, parameters, Map.of());
  }

  /** Starts an execution through REST with input files (name to content); returns its id. */
  public String start(
      String pipeline, Map<String, String> parameters, Map<String, String> inputFiles) {
    Map<String, String> encoded = new java.util.LinkedHashMap<>();
    inputFiles.forEach(
        (name, content) ->
            encoded.put(
                name,
                java.util.Base64.getEncoder()
                    .encodeToString(content.getBytes(StandardCharsets.UTF_8))));
    HttpResponse<String> response =
        post(
            "/api/v1/executions",
            JSON.writeValueAsString(
                Map.of("pipeline", pipeline, "parameters", parameters, "inputFiles", encoded)));
    if (response.statusCode() != 201) {
      throw new AssertionError("start answered " + response.statusCode() + ": " + response.body());
    }
    return json(response.body()).path("executionId").asString();
  }

  /** Waits until the runner's execution row has the status; returns the phases view. */
  public JsonNode awaitStatus(String executionId, String status) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> get("/api/v1/executions/" + executionId + "/phases"),
            view -> status.equals(view.path("execution").path("status").asString()));
  }

  public Path workspace(String executionId) {
    return Path.of(
        get("/api/v1/executions/" + executionId + "/phases")
            .path("execution")
            .path("workspace")
            .asString());
  }

  /** Every attempt and process event payload of the execution so far, in order. */
  public List<Object> events(String executionId) {
    return received.getOrDefault(executionId, List.of()).stream()
        .filter(r -> r.dltReason() == null)
        .map(Received::value)
        .toList();
  }

  /** Payloads of one type of the execution so far. */
  public <T> List<T> events(String executionId, Class<T> type) {
    return events(executionId).stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Waits until {@code count} payloads of the type arrived; returns them (and any more). */
  public <T> List<T> awaitEvents(String executionId, Class<T> type, int count) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> events(executionId, type), list -> list.size() >= count);
  }

  /** Waits for the first payload of the type that matches. */
  public <T> T awaitEvent(String executionId, Class<T> type, Predicate<T> matching) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> events(executionId, type).stream().filter(matching).findFirst().orElse(null),
            e -> e != null);
  }

  /** Waits for a dead-lettered command of the execution whose reason contains the text. */
  public String awaitDeadLetter(String executionId, String reasonContains) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                received.getOrDefault(executionId, List.of()).stream()
                    .map(Received::dltReason)
                    .filter(r -> r != null && r.contains(reasonContains))
                    .findFirst()
                    .orElse(null),
            r -> r != null);
  }

  private void read() {
    RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer();
    deserializer.configure(
        Map.of("schema.registry.url", registry, "specific.avro.reader", true), false);
    try {
      while (reading) {
        for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(200))) {
          if (record.key() == null) {
            continue;
          }
          Received entry;
          if (record.topic().endsWith(".DLT")) {
            Header reason = record.headers().lastHeader(RedriveHeaders.DLT_REASON);
            entry =
                new Received(
                    record.topic(),
                    record.value(),
                    reason == null ? "" : new String(reason.value(), StandardCharsets.UTF_8));
          } else {
            Object value = deserializer.deserialize(record.topic(), record.value());
            Object payload =
                value instanceof AttemptEvent attempt
                    ? attempt.getPayload()
                    : ((ProcessEvent) value).getPayload();
            entry = new Received(record.topic(), payload, null);
          }
          received.computeIfAbsent(record.key(), k -> new CopyOnWriteArrayList<>()).add(entry);
        }
      }
    } catch (WakeupException e) {
      // close() woke the reader up to end it
    } finally {
      reader.close();
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    reading = false;
    reader.wakeup();
    producer.close();
    context.close();
  }
}
