package dev.redrive.bench;

import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.testkit.EmbeddedInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Scenario {@code sharded} (issue 16): two retry-coordinators on one database and one broker, the
 * attempts group split between them and their outbox relays sharing its shards, against one
 * coordinator as it ships and the raw transactional pipe, all in the same run over the same
 * failures. It reports each as a ratio to the pipe, the two against the one, and how the published
 * commands and the attempts partitions were split between the two.
 */
final class ShardedCoordinators {

  /** The outbox shards of the two coordinators' table: two each. */
  static final int SHARDS = 4;

  private static final Duration STALL = Duration.ofSeconds(60);
  private static final String COMMANDS = RedriveTopics.COMMANDS.name();
  private static final String ATTEMPTS = RedriveTopics.ATTEMPTS.name();

  private final BenchOptions options;
  private final EmbeddedInfrastructure infrastructure;
  private final BenchKafka kafka;
  private final PipeProcess pipes;

  private ShardedCoordinators(
      BenchOptions options, EmbeddedInfrastructure infrastructure, PipeProcess pipes) {
    this.options = options;
    this.infrastructure = infrastructure;
    this.pipes = pipes;
    this.kafka = new BenchKafka(infrastructure.kafkaBootstrapServers());
  }

  /** Runs the scenario and reports its lines. */
  static void run(BenchOptions options, EmbeddedInfrastructure infrastructure, PipeProcess pipes)
      throws Exception {
    ShardedCoordinators scenario = new ShardedCoordinators(options, infrastructure, pipes);
    try {
      scenario.measure();
    } finally {
      scenario.kafka.close();
    }
  }

  private void measure() throws Exception {
    int n = options.events();
    Report.result("");
    Report.result(
        "== 5. Two coordinators, outbox in %d shards (issue 16): %,d failure events", SHARDS, n);
    int warmup = Math.min(options.warmupEvents(), n);
    Map<TopicPartition, Long> warmupStart = kafka.endOffsets(ATTEMPTS);
    if (warmup > 0) {
      produce("shw", warmup);
    }
    Map<TopicPartition, Long> inputStart = kafka.endOffsets(ATTEMPTS);
    produce("sh", n);
    if (warmup > 0) {
      coordinators("warm-up, not counted", 2, warmup, warmupStart);
      // the pipe's JVM is cold when this scenario runs alone (its first run is its slowest)
      pipe("raw pipe [warm-up, not counted]", warmup, warmupStart);
    }
    double pipeBefore = pipe("raw pipe", n, inputStart);
    double one = coordinators("one coordinator, 1 shard", 1, n, inputStart);
    double two = coordinators("two coordinators, 4 shards", 2, n, inputStart);
    double pipeAfter = pipe("raw pipe", n, inputStart);
    double pipe = (pipeBefore + pipeAfter) / 2;
    Report.result("Decisions per second, in this run:");
    Report.result("  one coordinator (as it ships)   %,10.0f /s", one);
    Report.result("  two coordinators, 4 shards      %,10.0f /s", two);
    Report.result(
        "  raw transactional pipe          %,10.0f /s (mean of %,.0f before and %,.0f after)",
        pipe, pipeBefore, pipeAfter);
    Report.result(
        "  one / pipe %.3f   two / pipe %.3f   two / one %.3f", one / pipe, two / pipe, two / one);
  }

  private void produce(String prefix, int count) {
    try (FailureEvents events =
        new FailureEvents(
            infrastructure.kafkaBootstrapServers(), infrastructure.schemaRegistryUrl(), 20)) {
      events.sendAll(
          count, i -> FailureEvents.failure(prefix, (int) i, options.executions(), null));
    }
  }

  /**
   * {@code instances} coordinators on a fresh database, the relays sharing the shards before the
   * listeners start, over the {@code count} failures after {@code inputStart}; decisions/s.
   */
  private double coordinators(
      String name, int instances, int count, Map<TopicPartition, Long> inputStart)
      throws Exception {
    String database = infrastructure.createDatabase("bench_sharded");
    Map<String, String> settings = new HashMap<>(options.coordinatorSettings());
    if (instances > 1) {
      settings.put("redrive.outbox.shards", String.valueOf(SHARDS));
      // as many attempts consumers in all as one coordinator has (one per partition): with one per
      // partition each, the first coordinator's consumers took every partition
      settings.putIfAbsent(
          "redrive.coordinator.attempt-consumers",
          String.valueOf((options.partitions() + instances - 1) / instances));
    }
    List<CoordinatorUnderBench> running = new ArrayList<>();
    try {
      // one after the other: the first creates the schema and makes the table's shard count
      for (int i = 0; i < instances; i++) {
        running.add(
            new CoordinatorUnderBench(
                infrastructure, database, options.partitions(), settings, null));
      }
      awaitShardsShared(running);
      kafka.positionGroup(CoordinatorUnderBench.ATTEMPTS_LISTENER, inputStart);
      Map<TopicPartition, Long> commandsStart = kafka.endOffsets(COMMANDS);
      try (TopicCounter commands =
          new TopicCounter(
              infrastructure.kafkaBootstrapServers(), COMMANDS, commandsStart, count, null)) {
        long start = System.nanoTime();
        running.forEach(CoordinatorUnderBench::startListeners);
        long end = commands.awaitExpected(start, STALL, name);
        double rate = count / ((end - start) / 1e9);
        Report.result(
            "  %s: %,d retry commands out in %.1f s = %,.0f decisions/s",
            name, count, (end - start) / 1e9, rate);
        if (instances > 1) {
          List<String> split = new ArrayList<>();
          for (CoordinatorUnderBench coordinator : running) {
            split.add(
                "%,.0f commands (shards %s, attempts partitions %s)"
                    .formatted(
                        coordinator.published(COMMANDS),
                        coordinator.publishingShards(),
                        coordinator.attemptsPartitions()));
          }
          Report.result("    published: %s", String.join(" / ", split));
        }
        return rate;
      }
    } finally {
      running.forEach(CoordinatorUnderBench::close);
    }
  }

  /** Waits until every coordinator's relay publishes its share of the shards. */
  private static void awaitShardsShared(List<CoordinatorUnderBench> running)
      throws InterruptedException {
    int share = running.size() == 1 ? 1 : SHARDS / running.size();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (running.stream().anyMatch(c -> c.publishingShards().size() != share)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the relays did not share the shards within 30 s");
      }
      Thread.sleep(100);
    }
  }

  private double pipe(String label, int count, Map<TopicPartition, Long> inputStart)
      throws Exception {
    String group = "bench-pipe-sharded";
    kafka.positionGroup(group, inputStart);
    Map<TopicPartition, Long> outStart = kafka.endOffsets(Benchmark.PIPE_OUTPUT);
    try (TopicCounter out =
            new TopicCounter(
                infrastructure.kafkaBootstrapServers(),
                Benchmark.PIPE_OUTPUT,
                outStart,
                count,
                null);
        PipeProcess.Pipe pipe = pipes.open(ATTEMPTS, Benchmark.PIPE_OUTPUT, group, true)) {
      pipe.startHeld();
      pipe.awaitHeld(Duration.ofSeconds(60));
      long start = System.nanoTime();
      pipe.release();
      long end = out.awaitExpected(start, STALL, "raw pipe");
      double rate = count / ((end - start) / 1e9);
      Report.result(
          "  %s: %,d records through in %.1f s = %,.0f/s", label, count, (end - start) / 1e9, rate);
      return rate;
    }
  }
}
