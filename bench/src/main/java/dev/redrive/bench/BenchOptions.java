package dev.redrive.bench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one benchmark run does, from its command line.
 *
 * @param events failure events of the throughput measurement
 * @param executions distinct executions those events belong to (each event is the first failure of
 *     another phase of one of them)
 * @param warmupEvents failure events each contender of the throughput measurement handles first,
 *     not counted, so that none is measured with cold code (0 = no warm-up)
 * @param warmupRuns the most warm-up runs a contender gets before it counts as warm anyway
 * @param rounds measured runs of the coordinator in the throughput measurement, each between two
 *     runs of the pipe; the median ratio is the figure
 * @param partitions partitions of every topic (the input topic, the command topic, the pipe's and
 *     the retry topics)
 * @param latencySeconds how long the paced producer of the latency measurement runs
 * @param latencyRate events per second of that producer; 0 = half the measured Redrive rate
 * @param latencyWarmupSeconds events sent in the first seconds of a latency run are not counted
 * @param scaleEvents failure events of each scale measurement
 * @param scaleExecutions executions already in the coordinator's tables, one measurement each
 * @param scheduleRetries retries due in the same second in the scheduling measurement
 * @param scheduleLeadSeconds how far ahead that second is; 0 = from the measured Redrive rate
 * @param retryTopics how Spring Kafka's retry topics run (see {@link RetryTopicsBaseline}): {@code
 *     tuned}, with its {@code defaults}, or {@code none} (not measured: a quicker run when only
 *     Redrive against the pipe matters)
 * @param scenarios which measurements run
 * @param coordinatorSettings further settings of the coordinator under test ({@code key=value})
 * @param postgresSettings further settings of the embedded PostgreSQL server ({@code key=value})
 * @param report file the summary is also written to (markdown); null = none
 */
record BenchOptions(
    int events,
    int executions,
    int warmupEvents,
    int warmupRuns,
    int rounds,
    int partitions,
    int latencySeconds,
    double latencyRate,
    int latencyWarmupSeconds,
    int scaleEvents,
    List<Integer> scaleExecutions,
    int scheduleRetries,
    int scheduleLeadSeconds,
    String retryTopics,
    Set<Scenario> scenarios,
    Map<String, String> coordinatorSettings,
    Map<String, String> postgresSettings,
    String report) {

  /** The measurements, in the order they run. */
  enum Scenario {
    THROUGHPUT,
    /** The least a design with PostgreSQL state and outbox does: {@link PostgresFloor}. */
    FLOOR,
    LATENCY,
    SCALE,
    SCHEDULING,
    SHARDED,
    /** External failure sources: {@link SourceThroughput}. */
    SOURCES
  }

  /** The largest history of the scale scenario. */
  static final int MAX_SCALE_EXECUTIONS = 20_000_000;

  static final String USAGE =
      """
      Usage: java -jar bench/target/redrive-bench-exec.jar [options]

        --events N               failure events of the throughput run (default 100000)
        --executions N           executions they belong to (default 10000)
        --warmup N               failures each contender of the throughput run handles just
                                 before its run, not counted, again until the JIT compilers of
                                 its JVM used less than 10% of its time, at most
                                 --warmup-runs times (default 100000, at most --events;
                                 0 = none); each scale run is warmed up with --scale-events
        --warmup-runs N          the most warm-up runs of a contender (default 4)
        --rounds N               measured runs of the coordinator in the throughput scenario,
                                 each between two runs of the pipe (default 3); the median
                                 ratio to the pipe (of an even N the lower middle one) is
                                 the figure
        --partitions N           partitions of every topic (default 3)
        --latency-seconds S      length of each paced latency run (default 45)
        --latency-rate R         events/s of the paced runs (default: half the measured Redrive rate)
        --latency-warmup S       seconds at the start of a latency run not counted (default 15)
        --scale-events N         failure events of each scale run (default 50000)
        --scale-executions A,B   executions already in the state tables, one run each
                                 (default 1000,1000000; at most 20000000 each)
        --schedule-retries N     retries due in the same second (default 10000)
        --schedule-lead S        seconds until that second (default: from the measured rate)
        --retry-topics MODE      tuned (default; no seek after an error, no producer linger),
                                 defaults (Spring Kafka's and the client's defaults; slow) or
                                 none (not measured)
        --scenarios LIST         throughput,floor,latency,scale,scheduling,sharded,sources
                                 (default: all; floor: a PostgreSQL state and outbox with no
                                 decision; sharded: two coordinators whose relays share the
                                 outbox)
        --coordinator KEY=VALUE  a further setting of the coordinator under test (repeatable),
                                 e.g. --coordinator spring.kafka.listener.concurrency=3
        --postgres KEY=VALUE     a further setting of the embedded PostgreSQL (repeatable),
                                 e.g. --postgres shared_buffers=1GB
        --report FILE            also write the summary to FILE (markdown)
        --help                   this text
      """;

  static BenchOptions defaults() {
    return new BenchOptions(
        100_000,
        10_000,
        100_000,
        4,
        3,
        3,
        45,
        0,
        15,
        50_000,
        List.of(1_000, 1_000_000),
        10_000,
        0,
        "tuned",
        EnumSet.allOf(Scenario.class),
        Map.of(),
        Map.of(),
        null);
  }

  /** Thrown for a command line that cannot be run; the message says why. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** Returns null when help was asked for. */
  static BenchOptions parse(String... args) {
    BenchOptions d = defaults();
    int events = d.events();
    int executions = d.executions();
    int warmupEvents = d.warmupEvents();
    int warmupRuns = d.warmupRuns();
    int rounds = d.rounds();
    int partitions = d.partitions();
    int latencySeconds = d.latencySeconds();
    double latencyRate = d.latencyRate();
    int latencyWarmup = d.latencyWarmupSeconds();
    int scaleEvents = d.scaleEvents();
    List<Integer> scaleExecutions = d.scaleExecutions();
    int scheduleRetries = d.scheduleRetries();
    int scheduleLead = d.scheduleLeadSeconds();
    String retryTopics = d.retryTopics();
    Set<Scenario> scenarios = d.scenarios();
    Map<String, String> coordinator = new LinkedHashMap<>();
    Map<String, String> postgres = new LinkedHashMap<>();
    String report = null;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--help") || option.equals("-h")) {
        return null;
      }
      String value = option;
      if (option.startsWith("--") && option.contains("=")) {
        value = option.substring(option.indexOf('=') + 1);
        option = option.substring(0, option.indexOf('='));
      } else {
        if (i + 1 >= args.length) {
          throw new UsageException(option + " needs a value");
        }
        value = args[++i];
      }
      switch (option) {
        case "--events" -> events = positive(option, value);
        case "--executions" -> executions = positive(option, value);
        case "--warmup" -> warmupEvents = notNegative(option, value);
        case "--warmup-runs" -> warmupRuns = positive(option, value);
        case "--rounds" -> rounds = positive(option, value);
        case "--partitions" -> partitions = positive(option, value);
        case "--latency-seconds" -> latencySeconds = positive(option, value);
        case "--latency-rate" -> latencyRate = positiveDouble(option, value);
        case "--latency-warmup" -> latencyWarmup = notNegative(option, value);
        case "--scale-events" -> scaleEvents = positive(option, value);
        case "--scale-executions" -> scaleExecutions = historySizes(option, value);
        case "--schedule-retries" -> scheduleRetries = positive(option, value);
        case "--schedule-lead" -> scheduleLead = positive(option, value);
        case "--retry-topics" -> {
          if (!List.of("tuned", "defaults", "none").contains(value)) {
            throw new UsageException(
                "--retry-topics must be tuned, defaults or none, was: " + value);
          }
          retryTopics = value;
        }
        case "--scenarios" -> scenarios = scenarios(value);
        case "--coordinator" -> setting(option, value, coordinator);
        case "--postgres" -> setting(option, value, postgres);
        case "--report" -> report = value;
        default -> throw new UsageException("unknown option " + option);
      }
    }
    if (executions > events) {
      throw new UsageException(
          "--executions (" + executions + ") must not exceed --events (" + events + ")");
    }
    if (latencyWarmup >= latencySeconds) {
      throw new UsageException("--latency-warmup must be shorter than --latency-seconds");
    }
    return new BenchOptions(
        events,
        executions,
        warmupEvents,
        warmupRuns,
        rounds,
        partitions,
        latencySeconds,
        latencyRate,
        latencyWarmup,
        scaleEvents,
        scaleExecutions,
        scheduleRetries,
        scheduleLead,
        retryTopics,
        scenarios,
        Map.copyOf(coordinator),
        Map.copyOf(postgres),
        report);
  }

  /** Spring Kafka's retry topics run with its defaults instead of the tuned variant. */
  boolean retryTopicsDefaults() {
    return retryTopics.equals("defaults");
  }

  /** Spring Kafka's retry topics are measured at all. */
  boolean measuresRetryTopics() {
    return !retryTopics.equals("none");
  }

  boolean runs(Scenario scenario) {
    return scenarios.contains(scenario);
  }

  /** Phases per execution in the throughput run (each failing once). */
  int phasesPerExecution() {
    return (events + executions - 1) / executions;
  }

  /** A {@code KEY=VALUE} of a repeatable settings option, put into {@code settings}. */
  private static void setting(String option, String value, Map<String, String> settings) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new UsageException(option + " needs KEY=VALUE, was: " + value);
    }
    settings.put(value.substring(0, eq), value.substring(eq + 1));
  }

  private static int positive(String option, String value) {
    int n = integer(option, value);
    if (n < 1) {
      throw new UsageException(option + " must be at least 1, was " + value);
    }
    return n;
  }

  private static int notNegative(String option, String value) {
    int n = integer(option, value);
    if (n < 0) {
      throw new UsageException(option + " must not be negative, was " + value);
    }
    return n;
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException(option + " needs a whole number, was: " + value);
    }
  }

  private static double positiveDouble(String option, String value) {
    try {
      double d = Double.parseDouble(value);
      if (!(d > 0) || Double.isInfinite(d)) {
        throw new UsageException(option + " must be a positive number, was " + value);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " needs a number, was: " + value);
    }
  }

  /**
   * Executions of history per scale run, at most {@link #MAX_SCALE_EXECUTIONS}: the state fill
   * takes disk and time in proportion (docs/performance.md).
   */
  private static List<Integer> historySizes(String option, String value) {
    List<Integer> sizes = positives(option, value);
    for (int size : sizes) {
      if (size > MAX_SCALE_EXECUTIONS) {
        throw new UsageException(
            "%s: at most %,d executions, was %,d (the state fill takes disk and time in proportion)"
                .formatted(option, MAX_SCALE_EXECUTIONS, size));
      }
    }
    return sizes;
  }

  private static List<Integer> positives(String option, String value) {
    List<Integer> list = new ArrayList<>();
    for (String part : value.split(",")) {
      list.add(positive(option, part.trim()));
    }
    return List.copyOf(list);
  }

  private static Set<Scenario> scenarios(String value) {
    Set<Scenario> set = EnumSet.noneOf(Scenario.class);
    for (String part : value.split(",")) {
      try {
        set.add(Scenario.valueOf(part.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new UsageException(
            "--scenarios: unknown scenario '"
                + part
                + "'; known: throughput, latency, scale, scheduling");
      }
    }
    if (set.isEmpty()) {
      throw new UsageException("--scenarios names none");
    }
    return set;
  }
}
