package dev.redrive.bench;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.testkit.EmbeddedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Scenario {@code sources} (issue 16): the decisions/s of failures that another system publishes in
 * JSON on a topic of its own (a configured source, {@code redrive.coordinator.sources.bench}),
 * against the same failures as Avro AttemptEvents on redrive.attempts and against the raw
 * transactional pipe, all three measured in turns in this run.
 *
 * <p>Each measured run has a topic (or, for the attempts path, an offset) of its own and a
 * coordinator on a fresh database. Its consumers are started and given their partitions first; then
 * the {@code --events} failures are written in one Kafka transaction, and the clock starts at its
 * commit, when a {@code read_committed} consumer sees all of them at once: so no run counts a
 * consumer's start or group join, and the three are timed alike. A run ends when the last retry
 * command (for the pipe: the last copied record) is visible to a {@code read_committed} consumer.
 * The source's failures are the attempts path's, field for field (execution {@code i % E}, phase
 * {@code i / E}, attempt 1, SOFT), so each is decided as a retry.
 */
final class SourceThroughput {

  private static final Duration STALL = Duration.ofSeconds(120);
  private static final String SOURCE = "bench";
  private static final String ATTEMPTS = RedriveTopics.ATTEMPTS.name();
  private static final String COMMANDS = RedriveTopics.COMMANDS.name();

  private final BenchOptions options;
  private final EmbeddedInfrastructure infrastructure;
  private final BenchKafka kafka;
  private final PipeProcess pipes;
  private int runs;

  SourceThroughput(
      BenchOptions options,
      EmbeddedInfrastructure infrastructure,
      BenchKafka kafka,
      PipeProcess pipes) {
    this.options = options;
    this.infrastructure = infrastructure;
    this.kafka = kafka;
    this.pipes = pipes;
  }

  /** Warms both coordinator paths, then measures pipe, attempts and source in turns, twice. */
  void run() throws Exception {
    int n = options.events();
    int executions = options.executions();
    Report.result("");
    Report.result(
        "== 5. External source: %,d JSON failures on a source's topic, against the same as Avro"
            + " on %s and the raw transactional pipe",
        n, ATTEMPTS);
    int warmup = Math.min(options.warmupEvents(), n);
    if (warmup > 0) {
      Report.result("  warm-up, not counted: %,d failures on each path", warmup);
      attempts("warm-up", warmup, executions);
      source("warm-up", warmup, executions);
    }
    List<Double> pipe = new ArrayList<>();
    List<Double> attempts = new ArrayList<>();
    List<Double> source = new ArrayList<>();
    for (int round = 1; round <= 2; round++) {
      pipe.add(pipe("round " + round, n, executions));
      attempts.add(attempts("round " + round, n, executions));
      source.add(source("round " + round, n, executions));
    }
    pipe.add(pipe("round 3", n, executions));
    double pipeMean = mean(pipe);
    double attemptsMean = mean(attempts);
    double sourceMean = mean(source);
    Report.result("External source, decisions/s (means; the pipe before, between and after):");
    Report.result("  JSON source (sources.bench)  %,10.0f /s  (%s)", sourceMean, each(source));
    Report.result("  Avro on redrive.attempts     %,10.0f /s  (%s)", attemptsMean, each(attempts));
    Report.result("  raw transactional pipe       %,10.0f /s  (%s)", pipeMean, each(pipe));
    Report.result("  source / attempts  %.3f", sourceMean / attemptsMean);
    Report.result("  source / pipe      %.3f", sourceMean / pipeMean);
    Report.result("  attempts / pipe    %.3f", attemptsMean / pipeMean);
  }

  /** The coordinator decides {@code count} JSON failures of the source; returns decisions/s. */
  private double source(String name, int count, int executions) throws Exception {
    String run = "bench.source-" + (++runs) + "-" + UUID.randomUUID().toString().substring(0, 8);
    String topic = run + ".failures";
    String commands = run + ".commands";
    kafka.createTopics(List.of(topic, topic + ".DLT", commands), options.partitions());
    String group = run + "-group";
    Map<String, String> settings = new LinkedHashMap<>(options.coordinatorSettings());
    settings.put("redrive.coordinator.sources-group-id", group);
    String key = "redrive.coordinator.sources." + SOURCE + ".";
    settings.put(key + "topic", topic);
    settings.put(key + "format", "JSON");
    settings.put(key + "command-topic", commands);
    settings.put(key + "mapping.execution-id", "execution.id");
    settings.put(key + "mapping.pipeline", "execution.pipeline");
    settings.put(key + "mapping.phase", "phase");
    settings.put(key + "mapping.attempt", "attempt");
    settings.put(key + "mapping.message", "error.message");
    settings.put(key + "mapping.error-type", "error.type");
    settings.put(key + "mapping.failure-type", "error.kind");
    settings.put(key + "mapping.retryable", "error.retryable");
    try (CoordinatorUnderBench coordinator = coordinator("source", settings)) {
      // the republished AttemptFailed events are read back and skipped, as in production
      kafka.positionGroup(CoordinatorUnderBench.ATTEMPTS_LISTENER, kafka.endOffsets(ATTEMPTS));
      coordinator.startListeners();
      await(coordinator::attemptsAssigned, "the attempts listener's partitions");
      await(() -> hasMembers(group), "the source's consumer group");
      String prefix = "bs" + runs;
      return measure(
          "source, " + name,
          commands,
          count,
          () ->
              commit(
                  topic,
                  count,
                  i -> FailureEvents.failure(prefix, i, executions, null),
                  SourceThroughput::json,
                  new ByteArraySerializer()));
    }
  }

  /** The coordinator decides {@code count} Avro failures on redrive.attempts. */
  private double attempts(String name, int count, int executions) throws Exception {
    try (CoordinatorUnderBench coordinator =
        coordinator("attempts", new LinkedHashMap<>(options.coordinatorSettings()))) {
      kafka.positionGroup(CoordinatorUnderBench.ATTEMPTS_LISTENER, kafka.endOffsets(ATTEMPTS));
      coordinator.startListeners();
      await(coordinator::attemptsAssigned, "the attempts listener's partitions");
      RedriveAvroSerializer avro = new RedriveAvroSerializer();
      avro.configure(Map.of("schema.registry.url", infrastructure.schemaRegistryUrl()), false);
      String prefix = "ba" + (++runs);
      return measure(
          "attempts, " + name,
          COMMANDS,
          count,
          () ->
              commit(
                  ATTEMPTS,
                  count,
                  i -> FailureEvents.failure(prefix, i, executions, null),
                  event -> (Object) event,
                  avro));
    }
  }

  /** The raw transactional pipe copies {@code count} JSON failures of a topic of its own. */
  private double pipe(String name, int count, int executions) throws Exception {
    String topic = "bench.source-pipe-" + (++runs) + "-" + UUID.randomUUID();
    kafka.createTopics(List.of(topic), options.partitions());
    String group = topic + "-group";
    try (PipeProcess.Pipe pipe = pipes.open(topic, Benchmark.PIPE_OUTPUT, group, true)) {
      pipe.start();
      pipe.awaitAssigned(Duration.ofSeconds(60));
      String prefix = "bp" + runs;
      return measure(
          "pipe, " + name,
          Benchmark.PIPE_OUTPUT,
          count,
          () ->
              commit(
                  topic,
                  count,
                  i -> FailureEvents.failure(prefix, i, executions, null),
                  SourceThroughput::json,
                  new ByteArraySerializer()));
    }
  }

  private CoordinatorUnderBench coordinator(String name, Map<String, String> settings) {
    return new CoordinatorUnderBench(
        infrastructure,
        infrastructure.createDatabase("bench_sources_" + name + "_" + runs),
        options.partitions(),
        settings,
        null);
  }

  private interface Commit {
    long run() throws Exception;
  }

  /** Commits the input and counts {@code count} records on {@code output}; returns records/s. */
  private double measure(String name, String output, int count, Commit commit) throws Exception {
    try (TopicCounter out =
        new TopicCounter(
            infrastructure.kafkaBootstrapServers(),
            output,
            kafka.endOffsets(output),
            count,
            null)) {
      long start = commit.run();
      long end = out.awaitExpected(start, STALL, name);
      double rate = count / ((end - start) / 1e9);
      Report.result("  %s: %,d out in %.1f s = %,.0f/s", name, count, (end - start) / 1e9, rate);
      return rate;
    }
  }

  /**
   * Writes {@code count} failures (key = execution id), encoded by {@code encode}, in one
   * transaction; returns the {@link System#nanoTime()} just before its commit, when all of them
   * become visible at once.
   */
  private <V> long commit(
      String topic,
      int count,
      IntFunction<AttemptEvent> failure,
      Function<AttemptEvent, V> encode,
      Serializer<V> serializer) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-source-" + UUID.randomUUID());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    try (KafkaProducer<String, V> producer =
        new KafkaProducer<>(config, new StringSerializer(), serializer)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < count; i++) {
        AttemptEvent event = failure.apply(i);
        producer.send(new ProducerRecord<>(topic, event.getExecutionId(), encode.apply(event)));
      }
      producer.flush();
      long start = System.nanoTime();
      producer.commitTransaction();
      return start;
    }
  }

  /** The failure as another system would write it in JSON. */
  private static byte[] json(AttemptEvent event) {
    AttemptFailed failed = (AttemptFailed) event.getPayload();
    return """
    {"execution": {"id": "%s", "pipeline": "%s"}, "phase": "%s", "attempt": %d,\
     "error": {"message": "%s", "type": "%s", "kind": "%s", "retryable": true}}\
    """
        .formatted(
            event.getExecutionId(),
            event.getPipeline(),
            failed.getPhase(),
            failed.getAttemptNumber(),
            failed.getErrorMessage(),
            failed.getErrorType(),
            failed.getFailureType())
        .getBytes(StandardCharsets.UTF_8);
  }

  private boolean hasMembers(String group) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                infrastructure.kafkaBootstrapServers()))) {
      ConsumerGroupDescription description =
          admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      return description.members().stream()
          .anyMatch(m -> !m.assignment().topicPartitions().isEmpty());
    } catch (ExecutionException notYet) {
      // the group does not exist until its first consumer joins: the caller polls again
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited 60 s for " + what);
      }
      Thread.sleep(100);
    }
  }

  private static String each(List<Double> rates) {
    return String.join(", ", rates.stream().map(r -> String.format("%,.0f", r)).toList());
  }

  private static double mean(List<Double> rates) {
    return rates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
