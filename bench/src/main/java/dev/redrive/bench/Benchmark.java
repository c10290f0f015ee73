package dev.redrive.bench;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.RetryCommand;
import dev.redrive.bench.BenchOptions.Scenario;
import dev.redrive.coordinator.scale.StateFill;
import dev.redrive.coordinator.scale.StatePlans;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.support.topic.Topic;
import dev.redrive.testkit.BrokerProcess;
import dev.redrive.testkit.EmbeddedInfrastructure;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The benchmark of issue 6, with one KRaft broker (in a JVM of its own, {@link BrokerProcess}) and
 * one embedded PostgreSQL: the retry-coordinator's throughput against a raw transactional pipe (in
 * a JVM of its own too, {@link PipeProcess}) and Spring Kafka's retry topics, its latency at half
 * its maximum rate against the pipe's, its throughput with a small and a large history, the
 * lateness of retries that fall due in the same second, and its heap.
 *
 * <p>Run it as {@code java -jar bench/target/redrive-bench-exec.jar --help} says; see {@code
 * docs/performance.md} for what it measured here.
 */
public final class Benchmark {

  static final String PIPE_OUTPUT = "bench.pipe-out";

  /**
   * The pipe's input while a paused coordinator listens on redrive.attempts (it would decide the
   * pipe's failures once resumed).
   */
  static final String PIPE_INPUT = "bench.pipe-in";

  private static final Duration STALL = Duration.ofSeconds(120);

  /**
   * A contender is warm once the JIT compilers of its JVM (this one, or the pipe's) used less CPU
   * than this share of its last warm-up run's time (counted from the first record to the last, not
   * while the contender starts), or after {@code --warmup-runs} runs. Until 2026-12-07 it was 25%
   * of this JVM's compile time, which let the pipe (in a JVM of its own, short runs) through after
   * one or two runs while it still doubled its rate over the measured ones.
   */
  private static final double WARM_JIT_SHARE = 0.10;

  /**
   * The least history whose plans the target checks: StatePlansIT's 50,000 executions (700,000
   * rows), enough for a sequential scan to lose against any index.
   */
  private static final int PLANS_CHECKED_FROM = 50_000;

  /** The JVM a contender runs in: this one, or the pipe's ({@link PipeProcess}). */
  private enum ContenderJvm {
    THIS,
    PIPE
  }

  /**
   * What share of the last run's time the compilers of this JVM and of the pipe's used; infinite
   * where /proc cannot be read.
   */
  private final Map<ContenderJvm, Double> lastRunJitShares = new EnumMap<>(ContenderJvm.class);

  private int floorRuns;

  /** The argument that makes this program the broker's JVM ({@link BrokerProcess#serve()}). */
  private static final String SERVE_BROKER = "--serve-broker";

  /**
   * The argument, followed by the bootstrap servers, that makes this program the raw pipe's JVM
   * ({@link PipeProcess#serve(String)}).
   */
  static final String SERVE_PIPE = "--serve-pipe";

  private static final String COMMANDS = RedriveTopics.COMMANDS.name();
  private static final String ATTEMPTS = RedriveTopics.ATTEMPTS.name();

  private final BenchOptions options;
  private final EmbeddedInfrastructure infrastructure;

  /** The broker JVM's process id, for the CPU profiles. */
  private final long brokerPid;

  /** The JVM that runs the raw pipe. */
  private final PipeProcess pipes;

  private final BenchKafka kafka;
  private final String registryUrl;
  private final Map<String, Double> figures = new HashMap<>();
  private String scaleTarget = "throughput at 10M >= 0.9 x at 1k";

  private Benchmark(
      BenchOptions options,
      EmbeddedInfrastructure infrastructure,
      long brokerPid,
      PipeProcess pipes) {
    this.options = options;
    this.infrastructure = infrastructure;
    this.brokerPid = brokerPid;
    this.pipes = pipes;
    this.kafka = new BenchKafka(infrastructure.kafkaBootstrapServers());
    this.registryUrl = infrastructure.schemaRegistryUrl();
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals(SERVE_BROKER)) {
      BrokerProcess.serve();
      return;
    }
    if (args.length == 2 && args[0].equals(SERVE_PIPE)) {
      PipeProcess.serve(args[1]);
      System.exit(0);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      System.err.println(e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "dev.redrive");
    Path log =
        Path.of(
            System.getProperty(
                "redrive.bench.log",
                Files.isDirectory(Path.of("bench", "target"))
                    ? "bench/target/redrive-bench.log"
                    : System.getProperty("java.io.tmpdir") + "/redrive-bench.log"));
    Files.deleteIfExists(log);
    Files.deleteIfExists(childLog(log, "broker"));
    Files.deleteIfExists(childLog(log, "pipe"));
    System.setProperty("redrive.bench.log", log.toString());
    Report.progress(
        "Redrive benchmark; logs of the services go to %s, the broker's to %s, the raw pipe's to %s",
        log, childLog(log, "broker"), childLog(log, "pipe"));

    int status = 0;
    EmbeddedInfrastructure infrastructure = null;
    PipeProcess pipes = null;
    try {
      long start = System.nanoTime();
      BrokerProcess broker =
          BrokerProcess.launch(childCommand(childLog(log, "broker"), List.of(SERVE_BROKER)));
      Map<String, String> postgres = new HashMap<>(StatementProfile.SERVER_SETTINGS);
      postgres.putAll(options.postgresSettings());
      infrastructure = EmbeddedInfrastructure.start(postgres, broker);
      pipes =
          PipeProcess.launch(
              childCommand(
                  childLog(log, "pipe"),
                  List.of(SERVE_PIPE, infrastructure.kafkaBootstrapServers())));
      Report.progress(
          "KRaft broker (a JVM of its own, pid %d), embedded PostgreSQL and the raw pipe's JVM"
              + " (pid %d) started in %.1f s",
          broker.pid(), pipes.pid(), (System.nanoTime() - start) / 1e9);
      Benchmark benchmark = new Benchmark(options, infrastructure, broker.pid(), pipes);
      benchmark.run();
    } catch (Exception e) {
      System.err.println("Benchmark failed: " + e);
      e.printStackTrace();
      status = 1;
    } finally {
      if (pipes != null) {
        pipes.close();
      }
      if (infrastructure != null) {
        infrastructure.close();
      }
    }
    System.exit(status);
  }

  /**
   * The command of a child JVM: this program again (the same jar, or the same classpath) with
   * {@code arguments} ({@link #SERVE_BROKER}, {@link #SERVE_PIPE}), logging to {@code log}.
   */
  private static List<String> childCommand(Path log, List<String> arguments) {
    String classPath = System.getProperty("java.class.path");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dredrive.bench.log=" + log);
    if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
      command.addAll(List.of("-jar", classPath));
    } else {
      command.addAll(List.of("-cp", classPath, Benchmark.class.getName()));
    }
    command.addAll(arguments);
    return command;
  }

  /** The log of a child JVM ("broker", "pipe"), next to the benchmark's. */
  private static Path childLog(Path log, String child) {
    return log.resolveSibling("redrive-bench-" + child + ".log");
  }

  private void run() throws Exception {
    machine();
    List<String> topics = new ArrayList<>();
    for (Topic topic : RedriveTopics.ALL) {
      topics.add(topic.name());
      topics.add(topic.deadLetterTopic());
    }
    topics.add(PIPE_OUTPUT);
    topics.add(PIPE_INPUT);
    kafka.createTopics(topics, options.partitions());
    if (options.runs(Scenario.THROUGHPUT)) {
      throughput();
    }
    if (options.runs(Scenario.FLOOR)) {
      floor();
    }
    if (options.runs(Scenario.LATENCY)) {
      latency();
    }
    if (options.runs(Scenario.SCALE)) {
      scale();
    }
    if (options.runs(Scenario.SCHEDULING)) {
      scheduling();
    }
    if (options.runs(Scenario.SHARDED)) {
      ShardedCoordinators.run(options, infrastructure, pipes);
    }
    if (options.runs(Scenario.SOURCES)) {
      new SourceThroughput(options, infrastructure, kafka, pipes).run();
    }
    targets();
    kafka.close();
    if (options.report() != null) {
      Report.write(options.report());
      Report.progress("Summary written to %s", options.report());
    }
  }

  // ---------------------------------------------------------------- the machine and the settings

  private void machine() throws Exception {
    Report.result("== Machine and settings");
    Report.result(
        "cpu: %d cores (%s); memory %s; %s %s",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        memTotal(),
        System.getProperty("os.name"),
        System.getProperty("os.version"));
    Report.result(
        "jvm: %s %s, max heap %d MiB, GC %s",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
    try (Connection c =
            java.sql.DriverManager.getConnection(
                infrastructure.jdbcUrl("postgres"),
                infrastructure.jdbcUser(),
                infrastructure.jdbcPassword());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version(), current_setting('shared_buffers'), current_setting('fsync'),"
                    + " current_setting('synchronous_commit')")) {
      rs.next();
      Report.result(
          "infrastructure: KRaft broker (Kafka %s, 1 node) in a JVM of its own, embedded %s"
              + " (shared_buffers %s, fsync %s, synchronous_commit %s), the raw pipe in a JVM of"
              + " its own; all on this machine",
          AppInfoParser.getVersion(),
          rs.getString(1).replaceAll(" on .*", ""),
          rs.getString(2),
          rs.getString(3),
          rs.getString(4));
    }
    Report.result(
        "settings: events %,d over %,d executions (%d phases each, first SOFT failure of each),"
            + " %d partitions per topic, warm-up %,d failures per contender",
        options.events(),
        options.executions(),
        options.phasesPerExecution(),
        options.partitions(),
        options.warmupEvents());
    Report.result(
        "coordinator: defaults (one attempts consumer per partition, outbox batch 500, poll 500 ms) except"
            + " back-off 0 s without jitter and a budget that never refuses%s",
        options.coordinatorSettings().isEmpty()
            ? ""
            : "; set with --coordinator (these win): " + options.coordinatorSettings());
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal"))
          .map(l -> (Long.parseLong(l.replaceAll("\\D", "")) >> 20) + " GiB")
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  // ---------------------------------------------------------------- 1. throughput

  private void throughput() throws Exception {
    int n = options.events();
    Report.result("");
    Report.result(
        "== 1. Throughput: %,d failure events on %s before each measured run", n, ATTEMPTS);
    int warmup = Math.min(options.warmupEvents(), n);
    Map<TopicPartition, Long> warmupStart = kafka.endOffsets(ATTEMPTS);
    double redrive;
    double pipeBefore;
    double pipeAfter;
    Map<TopicPartition, Long> inputStart;
    // one coordinator for the whole scenario, as in production: warmed up, then paused while the
    // pipe runs and while the next run's failures are produced, then resumed for its runs. A new
    // coordinator per run (as the other scenarios start) brought the JIT compiling its start-up
    // and its recompilations into every measured run (2026-12-07: 1,900-2,800 compilations a run)
    try (CoordinatorUnderBench coordinator =
        new CoordinatorUnderBench(
            infrastructure,
            infrastructure.createDatabase("bench_throughput"),
            options.partitions(),
            options.coordinatorSettings(),
            null)) {
      kafka.positionGroup(CoordinatorUnderBench.ATTEMPTS_LISTENER, warmupStart);
      if (warmup > 0) {
        Report.result(
            "  warm-up, not counted: each contender handles %,d failures just before its runs,"
                + " the coordinator new ones each time",
            warmup);
        warmUpCoordinator(coordinator, "tw", warmup);
        warmUp("raw pipe", ContenderJvm.PIPE, () -> pipe(warmup, warmupStart));
      }
      // the machine's speed drifts over minutes (a run of 2026-12-02 measured Redrive in a slow
      // stretch at 0.07x a pipe measured minutes later): each of Redrive's measured runs lies
      // between two runs of the pipe (a few seconds each) and is compared with their mean; the
      // round with the median ratio gives the figures
      inputStart = kafka.endOffsets(ATTEMPTS);
      produce("tp1", n, options.executions(), null);
      double pipeEarlier = pipe(n, inputStart);
      List<double[]> rounds = new ArrayList<>();
      for (int round = 1; round <= options.rounds(); round++) {
        if (round > 1) {
          // the coordinator records each attempt once: every round decides failures of its own
          produce("tp" + round, n, options.executions(), null);
        }
        double rate =
            measureThenPause(
                coordinator, options.rounds() > 1 ? "throughput " + round : "throughput", n, false);
        double pipeLater = pipe(n, inputStart);
        rounds.add(new double[] {rate, pipeEarlier, pipeLater});
        pipeEarlier = pipeLater;
      }
      rounds.sort(Comparator.comparingDouble(Benchmark::roundRatio));
      // the median; of an even number of rounds the lower middle one
      double[] median = rounds.get((rounds.size() - 1) / 2);
      redrive = median[0];
      pipeBefore = median[1];
      pipeAfter = median[2];
      if (rounds.size() > 1) {
        Report.result(
            "  Redrive / pipe in each of the %d rounds, lowest first: %s",
            rounds.size(),
            rounds.stream()
                .map(r -> String.format("%.3f", roundRatio(r)))
                .collect(Collectors.joining(", ")));
      }
      // the profile (a thread dump every 10 ms stops the whole JVM) in a run of
      // its own, over failures of its own, so that it does not slow the measured run
      produce("tq", n, options.executions(), null);
      double profiled = measureThenPause(coordinator, "profiled, not counted", n, true);
      Report.result("  the profiled run reached %.2fx the measured one", profiled / redrive);
    }
    double pipe = (pipeBefore + pipeAfter) / 2;
    figures.put("redrive", redrive);
    figures.put("pipe", pipe);
    double retryTopics = Double.NaN;
    if (options.measuresRetryTopics()) {
      if (warmup > 0) {
        warmUp("Spring retry topics", ContenderJvm.THIS, () -> retryTopics(warmup, warmupStart));
      }
      retryTopics = retryTopics(n, inputStart);
      figures.put("retryTopics", retryTopics);
    }

    Report.result("Throughput, decisions (failures in, retry commands out) per second:");
    Report.result("  Redrive coordinator         %,10.0f /s", redrive);
    if (options.measuresRetryTopics()) {
      Report.result("  Spring Kafka retry topics   %,10.0f /s", retryTopics);
    }
    Report.result(
        "  raw transactional pipe      %,10.0f /s (mean of %,.0f just before Redrive's run and"
            + " %,.0f just after)",
        pipe, pipeBefore, pipeAfter);
    Report.result(
        "  Redrive / pipe          %.3f   (target >= 0.3%s)",
        redrive / pipe,
        options.rounds() > 1 ? "; the median of " + options.rounds() + " rounds" : "");
    if (options.measuresRetryTopics()) {
      Report.result("  Redrive / retry topics  %.3f   (target >= 0.5)", redrive / retryTopics);
    }
  }

  /** Redrive's rate of a round {rate, pipe before, pipe after} against its pipes' mean. */
  private static double roundRatio(double[] round) {
    return round[0] / ((round[1] + round[2]) / 2);
  }

  /** {@link #measure} a run of a coordinator that stays up, and pause it for the next one. */
  private double measureThenPause(
      CoordinatorUnderBench coordinator, String name, int count, boolean profile) throws Exception {
    double rate = measure(coordinator, name, count, profile);
    coordinator.pause();
    return rate;
  }

  /** Produces failures for the next measurement and says how fast that went. */
  private void produce(String prefix, int count, int executions, Long retryAfterMs)
      throws Exception {
    long start = System.nanoTime();
    try (FailureEvents events =
        new FailureEvents(infrastructure.kafkaBootstrapServers(), registryUrl, 20)) {
      events.sendAll(count, i -> FailureEvents.failure(prefix, (int) i, executions, retryAfterMs));
    }
    Report.progress(
        "  produced %,d failures to %s in %.1f s",
        count, ATTEMPTS, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Runs the coordinator on a fresh database (with {@code history} executions already in its
   * tables) over the {@code count} failures that follow {@code inputStart}; returns decisions/s.
   */
  private double redrive(
      String name,
      int count,
      Map<TopicPartition, Long> inputStart,
      int history,
      boolean profile,
      boolean heap)
      throws Exception {
    String database =
        infrastructure.createDatabase("bench_" + name.replaceAll("[^A-Za-z0-9]+", "_"));
    long heapBefore = heap ? heapAfterGc() : 0;
    CoordinatorUnderBench coordinator =
        new CoordinatorUnderBench(
            infrastructure, database, options.partitions(), options.coordinatorSettings(), null);
    try {
      if (history > 0) {
        long fillStart = System.nanoTime();
        try (Connection connection = coordinator.connect()) {
          StateFill.fill(connection, history, chunk -> Report.result("  state fill: %s", chunk));
          Report.result(
              "  state tables filled with %,d executions (%,d rows) in %.1f s (vacuumed and"
                  + " analyzed); the database takes %,d MiB",
              history,
              StateFill.rows(connection),
              (System.nanoTime() - fillStart) / 1e9,
              StateFill.databaseBytes(connection) >> 20);
        }
      }
      kafka.positionGroup(CoordinatorUnderBench.ATTEMPTS_LISTENER, inputStart);
      double rate = measure(coordinator, name, count, profile);
      if (history > 0) {
        statementsWithHistory(coordinator, count, history);
      }
      if (heap) {
        long with = heapAfterGc();
        coordinator.close();
        long without = heapAfterGc();
        figures.put("heapCoordinator", (double) (with - heapBefore));
        Report.result(
            "  Heap used after System.gc() (MemoryMXBean), whole JVM (clients and"
                + " coordinator; the broker has a JVM of its own): %,d MiB before the coordinator started, %,d MiB after the"
                + " %,d-execution run with it still running, %,d MiB once it was closed",
            heapBefore >> 20, with >> 20, history, without >> 20);
        Report.result(
            "  the coordinator's share: %,d MiB (target < 512 MiB)", (with - heapBefore) >> 20);
      }
      return rate;
    } finally {
      coordinator.close();
    }
  }

  /**
   * Lets the coordinator consume (its listeners started, or resumed after {@link
   * CoordinatorUnderBench#pause()}) until {@code count} more retry commands are out; returns
   * decisions/s. Its consumer group must be positioned at the run's first record.
   */
  private double measure(CoordinatorUnderBench coordinator, String name, int count, boolean profile)
      throws Exception {
    Map<TopicPartition, Long> commandsStart = kafka.endOffsets(COMMANDS);
    DatabaseCounters before;
    try (Connection connection = coordinator.connect()) {
      before = DatabaseCounters.read(connection);
      StatementProfile.reset(connection);
    }
    double rate;
    try (TopicCounter commands =
            new TopicCounter(
                infrastructure.kafkaBootstrapServers(), COMMANDS, commandsStart, count, null);
        StackSampler sampler =
            profile
                ? new StackSampler(
                    t ->
                        t.startsWith(CoordinatorUnderBench.ATTEMPTS_LISTENER)
                            || t.equals("outbox-relay"),
                    10)
                : null) {
      JitMark jit = jitMark();
      CpuProfile cpu = profile ? new CpuProfile(brokerPid) : null;
      long start = System.nanoTime();
      coordinator.consume();
      long end = commands.awaitExpected(start, STALL, "Redrive " + name);
      rate = count / ((end - start) / 1e9);
      Report.result(
          "  Redrive [%s]: %,d retry commands out in %.1f s = %,.0f decisions/s%s",
          name, count, (end - start) / 1e9, rate, jitSince(jit, end - start));
      if (profile) {
        try (Connection connection = coordinator.connect()) {
          DatabaseCounters after = DatabaseCounters.read(connection);
          Report.result("  PostgreSQL work per failure: %s", after.minus(before).per(count));
          Report.result("  PostgreSQL time by statement (pg_stat_statements):");
          for (String line : StatementProfile.top(connection, 16, count)) {
            Report.result("%s", line);
          }
          roundTrip(connection);
        }
        Report.result("  Where the CPU went during the run (threads of this JVM by name):");
        for (String line : cpu.summary(count, 14)) {
          Report.result("%s", line);
        }
        Report.result("  Where the coordinator's threads spent the run (sampled):");
        for (String line : sampler.summary(14).split("\n")) {
          Report.result("%s", line);
        }
      }
      Thread.sleep(500);
      if (commands.count() < count) {
        Report.result("  WARNING: %,d commands seen, %,d expected", commands.count(), count);
      } else if (commands.count() > count) {
        // the warm-up's records are followed by the measured run's, and its consumers read on
        // until the coordinator is paused or closed
        Report.result(
            "  (%,d more commands while it was stopped: it read on past the run's records)",
            commands.count() - count);
      }
    }
    return rate;
  }

  /**
   * Warms a coordinator that stays up for the measured runs after: each warm-up run decides {@code
   * count} new failures (the coordinator records each attempt once), then the coordinator pauses.
   */
  private void warmUpCoordinator(CoordinatorUnderBench coordinator, String prefix, int count)
      throws Exception {
    int[] round = {0};
    warmUp(
        "Redrive",
        ContenderJvm.THIS,
        () -> {
          produce(prefix + (++round[0]), count, Math.min(options.executions(), count), null);
          return measureThenPause(coordinator, "warm-up", count, false);
        });
  }

  /**
   * Runs a contender's warm-up again until it is warm ({@link #WARM_JIT_SHARE}): on two cores one
   * run of 100,000 failures left the compilers busy through the next two runs of the coordinator.
   */
  private void warmUp(String contender, ContenderJvm jvm, Callable<Double> run) throws Exception {
    for (int i = 1; ; i++) {
      run.call();
      double share = lastRunJitShares.getOrDefault(jvm, Double.POSITIVE_INFINITY);
      if (share < WARM_JIT_SHARE || i == options.warmupRuns()) {
        Report.result(
            "  %s: %d warm-up run(s), the JIT compilers of its JVM used %s of the last one's"
                + " time%s",
            contender,
            i,
            Double.isInfinite(share)
                ? "an unknown share (no /proc)"
                : "%.0f%%".formatted(share * 100),
            share < WARM_JIT_SHARE ? "" : " (still compiling; the measured run is not warm)");
        return;
      }
    }
  }

  /** The CPU the compiler threads of this JVM, the broker's and the pipe's used so far. */
  private record JitMark(
      long ownCompilerMillis, long brokerCompilerMillis, long pipeCompilerMillis) {}

  private JitMark jitMark() {
    return new JitMark(
        CpuProfile.compilerMillis(ProcessHandle.current().pid()),
        CpuProfile.compilerMillis(brokerPid),
        CpuProfile.compilerMillis(pipes.pid()));
  }

  /**
   * How much CPU the JIT compilers used during a run: on two cores a contender that runs while the
   * compilers still work shares the machine with them. A contender is warm once the compilers of
   * its JVM (this one, or the pipe's) are quiet ({@link #warmUp}). The broker's JVM compiles too
   * while it warms up, which speeds up whatever runs after.
   */
  private String jitSince(JitMark before, long runNanos) {
    long own = compiledSince(ProcessHandle.current().pid(), before.ownCompilerMillis());
    long broker = compiledSince(brokerPid, before.brokerCompilerMillis());
    long pipe = compiledSince(pipes.pid(), before.pipeCompilerMillis());
    lastRunJitShares.put(ContenderJvm.THIS, share(own, runNanos));
    lastRunJitShares.put(ContenderJvm.PIPE, share(pipe, runNanos));
    return String.format(
        " (CPU of the JIT compilers meanwhile: this JVM's %s, the broker's %s, the pipe's %s)",
        seconds(own), seconds(broker), seconds(pipe));
  }

  /** The compilers' CPU of a JVM since {@code before}; -1 where /proc cannot be read. */
  private static long compiledSince(long pid, long before) {
    long now = CpuProfile.compilerMillis(pid);
    // at least 0: a JVM that stops an idle compiler thread takes its CPU out of the sum
    return now < 0 || before < 0 ? -1 : Math.max(0, now - before);
  }

  private static double share(long compilerMillis, long runNanos) {
    return compilerMillis < 0 ? Double.POSITIVE_INFINITY : compilerMillis / (runNanos / 1e6);
  }

  private static String seconds(long millis) {
    return millis < 0 ? "unknown" : "%.1f s".formatted(millis / 1e3);
  }

  /**
   * After a run on a history: where PostgreSQL spent its time, and whether every statement the
   * coordinator ran still reads the state tables through indexes (the check of StatePlansIT). The
   * target counts the scans of histories of at least {@link #PLANS_CHECKED_FROM} executions only: a
   * table of a few hundred rows is rightly read whole (at 1,000 executions `phase_counter` holds
   * one row per retried phase, a page or two).
   */
  private void statementsWithHistory(CoordinatorUnderBench coordinator, int count, int history)
      throws SQLException {
    try (Connection connection = coordinator.connect()) {
      Report.result("  PostgreSQL time by statement (pg_stat_statements):");
      for (String line : StatementProfile.top(connection, 10, count)) {
        Report.result("%s", line);
      }
    }
    try (Connection connection = coordinator.connectForPlans()) {
      List<String> statements = StatePlans.statements(connection, "pg_stat_database");
      List<String> scans = StatePlans.seqScans(connection, statements);
      Report.result(
          "  plans (EXPLAIN GENERIC_PLAN) of the %d statements the coordinator ran: %s",
          statements.size(),
          scans.isEmpty() ? "no sequential scan of a state table" : scans.size() + " scan(s):");
      scans.forEach(scan -> Report.result("    %s", scan));
      if (history >= PLANS_CHECKED_FROM) {
        figures.merge("scaleSeqScans", (double) scans.size(), Double::sum);
      } else if (!scans.isEmpty()) {
        Report.result(
            "    (not counted in the target: a history of fewer than %,d executions may be read"
                + " whole)",
            PLANS_CHECKED_FROM);
      }
    }
  }

  /** One plain round trip to PostgreSQL, for scale against the work per failure. */
  private void roundTrip(Connection connection) throws SQLException {
    int trips = 2000;
    long start = System.nanoTime();
    try (var ping = connection.prepareStatement("SELECT 1")) {
      for (int i = 0; i < trips; i++) {
        try (ResultSet rs = ping.executeQuery()) {
          rs.next();
        }
      }
    }
    Report.result(
        "  one round trip to PostgreSQL (SELECT 1, mean of %,d): %.3f ms",
        trips, (System.nanoTime() - start) / 1e6 / trips);
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(300);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private double retryTopics(int count, Map<TopicPartition, Long> inputStart) throws Exception {
    kafka.positionGroup(RetryTopicsBaseline.GROUP, inputStart);
    try (RetryTopicsBaseline baseline =
        new RetryTopicsBaseline(
            new RetryTopicsBaseline.Settings(
                infrastructure.kafkaBootstrapServers(),
                registryUrl,
                options.partitions(),
                !options.retryTopicsDefaults()))) {
      if (!kafka.topics().contains(RetryTopicsBaseline.RETRY_TOPIC)) {
        throw new IllegalStateException(
            "Spring Kafka did not create "
                + RetryTopicsBaseline.RETRY_TOPIC
                + "; topics: "
                + kafka.topics());
      }
      Map<TopicPartition, Long> retryStart = kafka.endOffsets(RetryTopicsBaseline.RETRY_TOPIC);
      try (TopicCounter retries =
          new TopicCounter(
              infrastructure.kafkaBootstrapServers(),
              RetryTopicsBaseline.RETRY_TOPIC,
              retryStart,
              count,
              null)) {
        JitMark jit = jitMark();
        long start = System.nanoTime();
        baseline.start();
        long end = retries.awaitExpected(start, STALL, "retry topics");
        double rate = count / ((end - start) / 1e9);
        Report.result(
            "  Spring Kafka retry topics (%s): %,d records forwarded to %s in %.1f s = %,.0f/s%s",
            options.retryTopicsDefaults() ? "Spring's defaults" : "tuned",
            count,
            RetryTopicsBaseline.RETRY_TOPIC,
            (end - start) / 1e9,
            rate,
            jitSince(jit, end - start));
        return rate;
      }
    }
  }

  private double pipe(int count, Map<TopicPartition, Long> inputStart) throws Exception {
    return through(
        "raw pipe",
        "bench-pipe-throughput",
        count,
        inputStart,
        false,
        group -> pipes.open(ATTEMPTS, PIPE_OUTPUT, group, true));
  }

  /** The floor ({@link PostgresFloor}) on a database of its own; returns records/s. */
  private double floor(int count, Map<TopicPartition, Long> inputStart, boolean profile)
      throws Exception {
    String databaseUrl = infrastructure.createDatabase("bench_floor_" + (++floorRuns));
    return through(
        "PostgreSQL floor",
        "bench-floor-" + floorRuns,
        count,
        inputStart,
        profile,
        group ->
            new PostgresFloor(
                infrastructure.kafkaBootstrapServers(),
                databaseUrl,
                infrastructure.jdbcUser(),
                infrastructure.jdbcPassword(),
                ATTEMPTS,
                PIPE_OUTPUT,
                group));
  }

  /** Makes a contender that consumes as the given group. */
  private interface ContenderFactory {
    Contender create(String group) throws Exception;
  }

  /**
   * Runs a contender over the {@code count} failures that follow {@code inputStart} until as many
   * records reached the pipe's output topic; returns records/s.
   */
  private double through(
      String name,
      String group,
      int count,
      Map<TopicPartition, Long> inputStart,
      boolean profile,
      ContenderFactory contenders)
      throws Exception {
    kafka.positionGroup(group, inputStart);
    Map<TopicPartition, Long> outStart = kafka.endOffsets(PIPE_OUTPUT);
    try (TopicCounter out =
            new TopicCounter(
                infrastructure.kafkaBootstrapServers(), PIPE_OUTPUT, outStart, count, null);
        Contender contender = contenders.create(group)) {
      contender.startHeld();
      contender.awaitHeld(Duration.ofSeconds(60));
      JitMark jit = jitMark();
      CpuProfile cpu = profile ? new CpuProfile(brokerPid) : null;
      long start = System.nanoTime();
      contender.release();
      long end;
      try {
        end = out.awaitExpected(start, STALL, name);
      } catch (IllegalStateException e) {
        try {
          RuntimeException failure = contender.failure();
          if (failure != null) {
            e.addSuppressed(failure);
          }
        } catch (RuntimeException unknown) {
          e.addSuppressed(unknown);
        }
        throw e;
      }
      double rate = count / ((end - start) / 1e9);
      Report.result(
          "  %s: %,d records through in %.1f s = %,.0f/s%s",
          name, count, (end - start) / 1e9, rate, jitSince(jit, end - start));
      Report.result("    (%s)", contender.stats());
      if (profile) {
        Report.result("  Where the CPU went during the run (threads of this JVM by name):");
        for (String line : cpu.summary(count, 8)) {
          Report.result("%s", line);
        }
      }
      return rate;
    }
  }

  /**
   * The floor of any design that keeps its state and outbox in PostgreSQL, against the raw pipe in
   * the same run: how much of the pipe's rate is left once a record costs a database transaction
   * share and an outbox row, before any decision is made.
   */
  private void floor() throws Exception {
    int n = options.events();
    Report.result("");
    Report.result(
        "== 1b. Floor: a consumer that writes a state row, an outbox row and its offsets per record"
            + " to PostgreSQL and a relay that publishes the outbox, no decision (%,d failures)",
        n);
    int warmup = Math.min(options.warmupEvents(), n);
    Map<TopicPartition, Long> warmupStart = kafka.endOffsets(ATTEMPTS);
    if (warmup > 0) {
      produce("fw", warmup, Math.min(options.executions(), warmup), null);
    }
    Map<TopicPartition, Long> inputStart = kafka.endOffsets(ATTEMPTS);
    produce("fp", n, options.executions(), null);
    if (warmup > 0) {
      warmUp("PostgreSQL floor", ContenderJvm.THIS, () -> floor(warmup, warmupStart, false));
      warmUp("raw pipe", ContenderJvm.PIPE, () -> pipe(warmup, warmupStart));
    }
    double pipeBefore = pipe(n, inputStart);
    double floor = floor(n, inputStart, false);
    double pipeAfter = pipe(n, inputStart);
    double pipe = (pipeBefore + pipeAfter) / 2;
    figures.put("floor", floor);
    floor(n, inputStart, true);
    Report.result("Throughput, records per second:");
    Report.result("  PostgreSQL floor            %,10.0f /s", floor);
    Report.result(
        "  raw transactional pipe      %,10.0f /s (mean of %,.0f just before and %,.0f just after)",
        pipe, pipeBefore, pipeAfter);
    Report.result("  floor / pipe            %.3f", floor / pipe);
    if (figures.containsKey("redrive")) {
      Report.result(
          "  Redrive / floor         %.3f   (Redrive measured in section 1 of this run)",
          figures.get("redrive") / floor);
    }
  }

  // ---------------------------------------------------------------- 2. latency

  private void latency() throws Exception {
    // one coordinator, warmed up and then paced, as in production: a coordinator made new for
    // the paced run (as before 2026-12-08) brought its Spring context's start-up compilations
    // into the run (this JVM's compilers used 6.6-9.4 s of CPU in 45 s, 2026-12-07), which the
    // pipe, opened in its long-lived JVM, never paid; its tables then hold the warm-up's history
    String database = infrastructure.createDatabase("bench_latency");
    int count;
    int executions;
    double pacedRate;
    Percentiles pipeBefore;
    LatencyObserver redrive;
    try (CoordinatorUnderBench coordinator =
        new CoordinatorUnderBench(
            infrastructure, database, options.partitions(), options.coordinatorSettings(), null)) {
      kafka.positionGroup(CoordinatorUnderBench.ATTEMPTS_LISTENER, kafka.endOffsets(ATTEMPTS));
      int warmup = options.warmupEvents();
      if (warmup > 0) {
        Report.result("");
        Report.result(
            "== 2. Latency: warm-up, not counted: %,d failures per run, on the coordinator that"
                + " is then paced%s",
            warmup, figures.containsKey("redrive") ? "" : " (and the pipe's)");
        Map<TopicPartition, Long> warmupStart = kafka.endOffsets(ATTEMPTS);
        warmUpCoordinator(coordinator, "lw", warmup);
        if (!figures.containsKey("redrive")) {
          // run alone, the pipe is cold too; after the throughput scenario it is warm
          warmUp("raw pipe", ContenderJvm.PIPE, () -> pipe(warmup, warmupStart));
        }
      }
      pacedRate = pacedRate(coordinator);
      count = (int) Math.max(1, Math.round(pacedRate * options.latencySeconds()));
      executions = Math.max(1, count / options.phasesPerExecution());
      Report.result("");
      Report.result(
          "== 2. Latency: failure sent -> retry command received (read_committed), zero back-off,"
              + " at %,.0f failures/s for %d s (%,d failures; the first %d s not counted)",
          pacedRate, options.latencySeconds(), count, options.latencyWarmupSeconds());
      // the pipe's paced runs on either side of Redrive's, as the throughput scenario measures
      // it: the first paced run of this JVM (its sender and reader) and the broker pays for their
      // change from full-rate to paced profiles, which Redrive's run alone paid before
      // (docs/performance.md, "the pipe paced on either side")
      pipeBefore = pipeLatency(count, pacedRate, executions, true, PIPE_INPUT);
      Report.result("  raw transactional pipe, before Redrive's run: %s", pipeBefore.describe());
      redrive = redrivePaced(coordinator, pacedRate, count, executions);
    }
    Report.result("  Redrive: %s", redrive.received().describe());
    Report.result(
        "  Redrive, the slowest seconds by their slowest failure: %s", redrive.worstSeconds(10));
    Report.result(
        "  Redrive, by the command record's timestamp - the failure's occurredAt: %s",
        redrive.byRecordTimestamp().describe());

    Percentiles pipeAfter = pipeLatency(count, pacedRate, executions, true, ATTEMPTS);
    Report.result("  raw transactional pipe, after Redrive's run: %s", pipeAfter.describe());
    Percentiles plain = pipeLatency(count, pacedRate, executions, false, ATTEMPTS);
    Report.result("  (for reference) the same pipe without transactions: %s", plain.describe());
    double pipeP99 = (pipeBefore.p99() + pipeAfter.p99()) / 2;
    double ratio = redrive.received().p99() / pipeP99;
    Report.result(
        "  raw transactional pipe p99: %.1f ms (mean of %.1f before Redrive's run and %.1f after)",
        pipeP99, pipeBefore.p99(), pipeAfter.p99());
    Report.result(
        "  Redrive p99 / pipe p99: %.2f   (target <= 3; against the run before %.2f, after %.2f)",
        ratio,
        redrive.received().p99() / pipeBefore.p99(),
        redrive.received().p99() / pipeAfter.p99());
    figures.put("latencyRatio", ratio);
  }

  /** The rate of the paced runs: as given, or half of Redrive's measured (or calibrated) rate. */
  private double pacedRate(CoordinatorUnderBench coordinator) throws Exception {
    double rate = options.latencyRate();
    if (rate == 0) {
      Double measured = figures.get("redrive");
      if (measured == null) {
        int n = Math.min(options.events(), 10_000);
        Report.result("");
        Report.result("== 2a. Calibration: Redrive's maximum rate over %,d failures", n);
        produce("cal", n, Math.max(1, n / options.phasesPerExecution()), null);
        measured = measureThenPause(coordinator, "calibration", n, false);
        figures.put("redrive", measured);
      }
      rate = measured / 2;
    }
    return rate;
  }

  /**
   * Paces failures at {@code rate} into the coordinator (resumed, or started if it had no warm-up);
   * the caller closes it before the pipe's runs, whose failures it would decide too.
   */
  private LatencyObserver redrivePaced(
      CoordinatorUnderBench coordinator, double rate, int count, int executions) throws Exception {
    coordinator.consume();
    awaitTrue(coordinator::attemptsAssigned, "the coordinator's partitions");
    try (Connection connection = coordinator.connect()) {
      StatementProfile.reset(connection);
    }
    Map<String, FailureEvents.Sent> sent = new ConcurrentHashMap<>();
    LatencyObserver latencies = new LatencyObserver(sent, true);
    try (TopicCounter commands =
            new TopicCounter(
                infrastructure.kafkaBootstrapServers(),
                COMMANDS,
                kafka.endOffsets(COMMANDS),
                count,
                latencies);
        FailureEvents events =
            new FailureEvents(
                infrastructure.kafkaBootstrapServers(),
                registryUrl,
                FailureEvents.PACED_LINGER_MS)) {
      long start = System.nanoTime();
      long counted = start + options.latencyWarmupSeconds() * 1_000_000_000L;
      latencies.countFrom(counted);
      CpuProfile cpu = new CpuProfile(brokerPid);
      JitMark jitBefore = jitMark();
      try (ActivityTimeline timeline =
          new ActivityTimeline(coordinator.connect(), counted, brokerPid)) {
        events.sendPaced(
            ATTEMPTS,
            count,
            rate,
            i -> FailureEvents.failure("lat", (int) i, executions, null),
            sent);
        commands.awaitExpected(start, STALL, "Redrive latency");
        Report.result(
            "  what the machine did in the 5 slowest seconds (by send time) and the one after:");
        long shown = Long.MIN_VALUE;
        for (long second : latencies.worstSecondNumbers(5)) {
          for (String line : timeline.describe(Math.max(second, shown + 1), second + 1)) {
            Report.result("%s", line);
          }
          shown = second + 1;
        }
        Report.result(
            "  JIT compilers (this JVM's and the broker's), ms of CPU in each second from the"
                + " first not counted: %s",
            timeline.jitSeries(
                -options.latencyWarmupSeconds(),
                options.latencySeconds() - options.latencyWarmupSeconds()));
      }
      Report.result(
          "  Where the CPU went during the paced run (the sender and the reader included)%s:",
          jitSince(jitBefore, System.nanoTime() - start));
      for (String line : cpu.summary(count, 10)) {
        Report.result("%s", line);
      }
    }
    // paced load makes small batches: the statements' cost per call shows the fixed cost
    try (Connection connection = coordinator.connect()) {
      Report.result("  PostgreSQL time by statement during the paced run (pg_stat_statements):");
      for (String line : StatementProfile.top(connection, 16, count)) {
        Report.result("%s", line);
      }
    }
    return latencies;
  }

  /** The pipe's latency at the same paced rate. */
  private Percentiles pipeLatency(
      int count, double rate, int executions, boolean transactional, String input)
      throws Exception {
    String pipeGroup = "bench-pipe-latency-" + input + (transactional ? "" : "-plain");
    kafka.positionGroup(pipeGroup, kafka.endOffsets(input));
    Map<String, FailureEvents.Sent> sent = new ConcurrentHashMap<>();
    LatencyObserver latencies = new LatencyObserver(sent, false);
    try (TopicCounter out =
            new TopicCounter(
                infrastructure.kafkaBootstrapServers(),
                PIPE_OUTPUT,
                kafka.endOffsets(PIPE_OUTPUT),
                count,
                latencies);
        PipeProcess.Pipe rawPipe = pipes.open(input, PIPE_OUTPUT, pipeGroup, transactional);
        FailureEvents events =
            new FailureEvents(
                infrastructure.kafkaBootstrapServers(),
                registryUrl,
                FailureEvents.PACED_LINGER_MS)) {
      rawPipe.start();
      rawPipe.awaitAssigned(Duration.ofSeconds(30));
      long start = System.nanoTime();
      JitMark jitBefore = jitMark();
      CpuProfile cpu = new CpuProfile(brokerPid);
      long pipeTicks = CpuProfile.processTicks(pipes.pid());
      latencies.countFrom(start + options.latencyWarmupSeconds() * 1_000_000_000L);
      events.sendPaced(
          input,
          count,
          rate,
          i -> FailureEvents.failure("latpipe-" + pipeGroup, (int) i, executions, null),
          sent);
      out.awaitExpected(start, STALL, "pipe latency");
      Report.result(
          "    (pipe: %s)%s",
          rawPipe.transactionStats(), jitSince(jitBefore, System.nanoTime() - start));
      Report.result("    (pipe: %s)", cpu.pipeLine(count, pipes.pid(), pipeTicks));
      Report.result("    (pipe, the slowest seconds: %s)", latencies.worstSeconds(5));
    }
    return latencies.received();
  }

  /** Collects send-to-receive latencies of the records that carry a known event. */
  private final class LatencyObserver implements TopicCounter.Observer {
    private final Map<String, FailureEvents.Sent> sent;
    private final boolean commands;
    private final RedriveAvroDeserializer decoder = new RedriveAvroDeserializer();
    private final List<Long> received = new ArrayList<>();
    private final List<Long> byTimestamp = new ArrayList<>();
    private final Map<Long, Long> worstBySecond = new HashMap<>();
    private volatile long countFrom;

    LatencyObserver(Map<String, FailureEvents.Sent> sent, boolean commands) {
      this.sent = sent;
      this.commands = commands;
      decoder.configure(
          Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    }

    void countFrom(long nanos) {
      countFrom = nanos;
    }

    @Override
    public void seen(
        org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record,
        long receivedNanos) {
      Object value = decoder.deserialize(record.topic(), record.value());
      String eventId =
          commands
              ? ((CommandEvent) value).getCorrelationId()
              : ((AttemptEvent) value).getEventId();
      FailureEvents.Sent at = eventId == null ? null : sent.get(eventId);
      if (at == null || at.nanos() < countFrom) {
        return;
      }
      synchronized (this) {
        received.add(receivedNanos - at.nanos());
        byTimestamp.add((record.timestamp() - at.millis()) * 1_000_000L);
        long second = (at.nanos() - countFrom) / 1_000_000_000L;
        worstBySecond.merge(second, receivedNanos - at.nanos(), Math::max);
      }
    }

    /**
     * The seconds (counted from the end of the warm-up, by send time) whose slowest failure was
     * slowest, in time order: whether the tail is a few stalls, and how far apart they are.
     */
    synchronized String worstSeconds(int limit) {
      return worstSecondNumbers(limit).stream()
          .map(second -> String.format("+%ds %.0f ms", second, worstBySecond.get(second) / 1e6))
          .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The {@code limit} seconds whose slowest failure was slowest, in time order. */
    synchronized List<Long> worstSecondNumbers(int limit) {
      return worstBySecond.entrySet().stream()
          .sorted(Map.Entry.<Long, Long>comparingByValue().reversed())
          .limit(limit)
          .map(Map.Entry::getKey)
          .sorted()
          .toList();
    }

    synchronized Percentiles received() {
      return Percentiles.ofNanos(received.stream().mapToLong(Long::longValue).toArray());
    }

    synchronized Percentiles byRecordTimestamp() {
      return Percentiles.ofNanos(byTimestamp.stream().mapToLong(Long::longValue).toArray());
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  // ---------------------------------------------------------------- 3. scale (and 5. memory)

  private void scale() throws Exception {
    int n = options.scaleEvents();
    Report.result("");
    Report.result(
        "== 3. Scale: %,d failures (fresh executions) with a history already in the state tables",
        n);
    List<Integer> sizes = options.scaleExecutions();
    int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    Map<Integer, Double> rates = new HashMap<>();
    Map<Integer, Double> relative = new HashMap<>();
    int executions = Math.max(1, n / options.phasesPerExecution());
    for (int history : sizes) {
      if (options.warmupEvents() > 0) {
        // as in the throughput run: otherwise whichever size runs first pays for the JIT
        Map<TopicPartition, Long> warmupStart = kafka.endOffsets(ATTEMPTS);
        produce("scalewarm" + history, n, executions, null);
        redrive("scale-warm-up", n, warmupStart, 0, false, false);
      }
      Map<TopicPartition, Long> inputStart = kafka.endOffsets(ATTEMPTS);
      produce("scale" + history, n, executions, null);
      double rate = redrive("scale-" + history, n, inputStart, history, false, history == largest);
      // the same failures on an empty database, seconds later: the machine's speed drifts by a
      // fifth between sizes (the state fill alone takes most of a minute), so each size is
      // measured against a run without history made right after it
      double empty = redrive("scale-" + history + "-no-history", n, inputStart, 0, false, false);
      rates.put(history, rate);
      relative.put(history, rate / empty);
      Report.result(
          "  with %,d executions of history: %.2fx the same failures without history",
          history, rate / empty);
    }
    int smallest = sizes.stream().mapToInt(Integer::intValue).min().orElseThrow();
    if (smallest != largest) {
      double raw = rates.get(largest) / rates.get(smallest);
      double ratio = relative.get(largest) / relative.get(smallest);
      figures.put("scaleRatio", ratio);
      scaleTarget = String.format("throughput at %,d >= 0.9 x at %,d", largest, smallest);
      Report.result(
          "  throughput with %,d executions / with %,d, each against its run without history:"
              + " %.2f   (target >= 0.9; the two rates alone: %.2f)",
          largest, smallest, ratio, raw);
    }
  }

  // ---------------------------------------------------------------- 4. scheduling

  private void scheduling() throws Exception {
    int n = options.scheduleRetries();
    int lead = options.scheduleLeadSeconds();
    if (lead == 0) {
      Double measured = figures.get("redrive");
      lead = measured == null ? 90 : (int) Math.ceil(n / measured * 1.3) + 15;
    }
    Instant frozen = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant due = frozen.plusSeconds(lead);
    Report.result("");
    Report.result(
        "== 4. Scheduling: %,d retries due within the same second (%s), %d s after the failures",
        n, due, lead);
    Report.result(
        "  (each failure carries retryAfterMs = %d s + i/%d s; the coordinator's clock stands at"
            + " %s, so notBefore = that + retryAfterMs lands in [%s, +1 s))",
        lead, n, frozen, due);
    Map<TopicPartition, Long> inputStart = kafka.endOffsets(ATTEMPTS);
    long leadMillis = lead * 1000L;
    long start = System.nanoTime();
    try (FailureEvents events =
        new FailureEvents(infrastructure.kafkaBootstrapServers(), registryUrl, 20)) {
      events.sendAll(
          n,
          i ->
              FailureEvents.failure(
                  "sched",
                  (int) i,
                  Math.max(1, n / options.phasesPerExecution()),
                  leadMillis + i * 1000L / n));
    }
    Report.progress("  produced %,d failures in %.1f s", n, (System.nanoTime() - start) / 1e9);

    String database = infrastructure.createDatabase("bench_scheduling");
    kafka.positionGroup(CoordinatorUnderBench.ATTEMPTS_LISTENER, inputStart);
    Map<String, String> settings = new HashMap<>(options.coordinatorSettings());
    settings.put("redrive.coordinator.policy.max-interval", "1h");
    List<Long> lateness = new ArrayList<>();
    List<Long> latenessReceived = new ArrayList<>();
    AtomicLong early = new AtomicLong();
    RedriveAvroDeserializer decoder = new RedriveAvroDeserializer();
    decoder.configure(
        Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    try (CoordinatorUnderBench coordinator =
            new CoordinatorUnderBench(
                infrastructure, database, options.partitions(), settings, frozen);
        TopicCounter commands =
            new TopicCounter(
                infrastructure.kafkaBootstrapServers(),
                COMMANDS,
                kafka.endOffsets(COMMANDS),
                n,
                (record, receivedNanos) -> {
                  long receivedMillis = System.currentTimeMillis();
                  CommandEvent command =
                      (CommandEvent) decoder.deserialize(record.topic(), record.value());
                  long notBefore =
                      ((RetryCommand) command.getPayload()).getNotBefore().toEpochMilli();
                  long late = record.timestamp() - notBefore;
                  if (late < 0) {
                    early.incrementAndGet();
                  }
                  lateness.add(late * 1_000_000L);
                  latenessReceived.add((receivedMillis - notBefore) * 1_000_000L);
                })) {
      long decideStart = System.nanoTime();
      coordinator.startListeners();
      try (Connection connection = coordinator.connect();
          var query =
              connection.prepareStatement(
                  "SELECT count(*) FROM outbox o, unnest(o.topics) AS t WHERE t = '"
                      + COMMANDS
                      + "'")) {
        long stored = 0;
        while (stored < n && Instant.now().isBefore(due)) {
          Thread.sleep(200);
          try (ResultSet rs = query.executeQuery()) {
            rs.next();
            stored = rs.getLong(1);
          }
        }
        Instant now = Instant.now();
        Report.result(
            "  %,d of %,d retry commands decided and waiting in the outbox after %.1f s, %.1f s"
                + " before their second",
            stored,
            n,
            (System.nanoTime() - decideStart) / 1e9,
            Duration.between(now, due).toMillis() / 1e3);
        if (stored < n) {
          Report.result(
              "  WARNING: not all were decided before they fell due; raise --schedule-lead");
        }
      }
      long lastNanos = commands.awaitExpected(decideStart, STALL, "scheduled retries");
      Instant last = Instant.now().minusNanos(System.nanoTime() - lastNanos);
      Thread.sleep(500);
      Report.result(
          "  all %,d sent; the last one received %.3f s after the start of their second",
          commands.count(), Duration.between(due, last).toMillis() / 1e3);
    }
    Percentiles byTimestamp;
    Percentiles byReceipt;
    synchronized (lateness) {
      byTimestamp = Percentiles.ofNanos(lateness.stream().mapToLong(Long::longValue).toArray());
      byReceipt =
          Percentiles.ofNanos(latenessReceived.stream().mapToLong(Long::longValue).toArray());
    }
    Report.result("  lateness (record timestamp - notBefore): %s", byTimestamp.describe());
    Report.result(
        "  lateness (received by a read_committed consumer - notBefore): %s", byReceipt.describe());
    Report.result("  early (sent before notBefore): %,d   (must be 0)", early.get());
    figures.put("early", (double) early.get());
    figures.put("schedulingP99", byTimestamp.p99());
  }

  // ---------------------------------------------------------------- targets

  private void targets() {
    Report.result("");
    Report.result("== Targets (issue 6; scale as issue 16 raised it)");
    target("Redrive >= 0.3 x raw pipe", ratio("redrive", "pipe"), 0.3, true);
    target("Redrive >= 0.5 x retry topics", ratio("redrive", "retryTopics"), 0.5, true);
    target("p99 latency <= 3 x pipe p99", figures.get("latencyRatio"), 3.0, false);
    target(scaleTarget, figures.get("scaleRatio"), 0.9, true);
    target("seq scans of state tables, history >= 50k", figures.get("scaleSeqScans"), 0.0, false);
    Double heap = figures.get("heapCoordinator");
    target("coordinator heap < 512 MiB", heap == null ? null : heap / (1 << 20), 512.0, false);
    Double early = figures.get("early");
    target("no retry sent early", early, 0.0, false);
  }

  private Double ratio(String a, String b) {
    return figures.containsKey(a) && figures.containsKey(b)
        ? figures.get(a) / figures.get(b)
        : null;
  }

  private static void target(String name, Double value, double bound, boolean atLeast) {
    if (value == null) {
      Report.result("  %-44s not measured in this run", name);
      return;
    }
    boolean met = atLeast ? value >= bound : value <= bound;
    Report.result("  %-44s %10.3f   %s", name, value, met ? "MET" : "NOT MET");
  }

  /**
   * Activity counters of the coordinator's database (pg_stat_database), for per-failure figures.
   */
  record DatabaseCounters(long commits, long inserted, long updated, long deleted, long returned) {

    static DatabaseCounters read(Connection connection) throws SQLException {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_stat_force_next_flush()");
        try (ResultSet rs =
            statement.executeQuery(
                "SELECT xact_commit, tup_inserted, tup_updated, tup_deleted, tup_returned"
                    + " FROM pg_stat_database WHERE datname = current_database()")) {
          rs.next();
          return new DatabaseCounters(
              rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
        }
      }
    }

    DatabaseCounters minus(DatabaseCounters other) {
      return new DatabaseCounters(
          commits - other.commits,
          inserted - other.inserted,
          updated - other.updated,
          deleted - other.deleted,
          returned - other.returned);
    }

    String per(long failures) {
      return String.format(
          "%.2f commits, %.1f rows inserted, %.1f updated, %.1f deleted, %,.0f rows read",
          (double) commits / failures,
          (double) inserted / failures,
          (double) updated / failures,
          (double) deleted / failures,
          (double) returned / failures);
    }
  }
}
