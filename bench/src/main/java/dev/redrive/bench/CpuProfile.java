package dev.redrive.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went during a run: the JVM's threads (grouped by name, digits left out:
 * the coordinator, the clients and the benchmark share this JVM), the broker's JVM, PostgreSQL's
 * processes, and the machine as a whole ({@code /proc/stat}, which counts other tenants too). With
 * two cores shared by everything, this says what bounds a run better than a thread's wait times.
 */
final class CpuProfile {

  /** Clock ticks per second of {@code /proc} (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100;

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> threadCpuAtStart = new HashMap<>();
  private final long processCpuAtStart = processCpuNanos();
  private final long postgresTicksAtStart;
  private final Path brokerStat;
  private final long brokerTicksAtStart;
  private final long[] machineAtStart;
  private final long startNanos = System.nanoTime();

  /**
   * @param brokerPid the process id of the broker's JVM
   */
  CpuProfile(long brokerPid) {
    brokerStat = Path.of("/proc", Long.toString(brokerPid), "stat");
    brokerTicksAtStart = ticks(brokerStat);
    for (long id : threads.getAllThreadIds()) {
      threadCpuAtStart.put(id, Math.max(0, threads.getThreadCpuTime(id)));
    }
    postgresTicksAtStart = postgresTicks();
    machineAtStart = machineTicks();
  }

  /**
   * One line for a run of the pipe: the machine, this JVM (the benchmark's sender and reader), the
   * broker's JVM and the pipe's, per record; what the coordinator's figures are set against.
   *
   * @param pipePid the process id of the pipe's JVM
   * @param pipeTicksAtStart {@link #processTicks} of the pipe's JVM when this profile started
   */
  String pipeLine(long records, long pipePid, long pipeTicksAtStart) {
    double pipe = (processTicks(pipePid) - pipeTicksAtStart) / TICKS_PER_SECOND * 1e9;
    return machineLine()
        + String.format(
            " this JVM (the sender and the reader) %.0f us per record, the broker's %.0f us,"
                + " the pipe's JVM %.0f us",
            (processCpuNanos() - processCpuAtStart) / 1e3 / records,
            brokerNanos() / 1e3 / records,
            pipe / 1e3 / records);
  }

  /** The machine's busy share since this profile started, as the first part of a line. */
  private String machineLine() {
    long[] machine = machineTicks();
    double busy = (machine[0] - machineAtStart[0]) / TICKS_PER_SECOND;
    double all = (machine[2] - machineAtStart[2]) / TICKS_PER_SECOND;
    return String.format(
        "machine: %.1f of %.1f core-seconds busy (%.0f%%, other tenants included) in %.1f s;",
        busy, all, all == 0 ? 0 : 100 * busy / all, (System.nanoTime() - startNanos) / 1e9);
  }

  /** The broker's CPU since this profile started, in nanoseconds. */
  private double brokerNanos() {
    return (ticks(brokerStat) - brokerTicksAtStart) / TICKS_PER_SECOND * 1e9;
  }

  /** utime + stime of a process, in clock ticks (0 where /proc is absent). */
  static long processTicks(long pid) {
    return ticks(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /** One line per group with its CPU per decision, biggest first. */
  List<String> summary(long decisions, int top) {
    Map<String, Long> byGroup = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      var info = threads.getThreadInfo(id);
      long cpu = threads.getThreadCpuTime(id);
      if (info == null || cpu < 0) {
        continue;
      }
      long used = cpu - threadCpuAtStart.getOrDefault(id, 0L);
      byGroup.merge(info.getThreadName().replaceAll("[0-9]+", "N"), used, Long::sum);
    }
    long jvm = byGroup.values().stream().mapToLong(Long::longValue).sum();
    double postgres = (postgresTicks() - postgresTicksAtStart) / TICKS_PER_SECOND * 1e9;
    double broker = brokerNanos();
    List<String> lines = new ArrayList<>();
    lines.add(
        "    "
            + machineLine()
            + String.format(
                " this JVM %.0f us per decision, the broker's %.0f us, PostgreSQL %.0f us",
                (processCpuNanos() - processCpuAtStart) / 1e3 / decisions,
                broker / 1e3 / decisions,
                postgres / 1e3 / decisions));
    lines.add(
        String.format(
            "    %8.0f us/decision  the broker's JVM (all its threads)", broker / 1e3 / decisions));
    lines.add(
        String.format(
            "    %8.0f us/decision  PostgreSQL (all its processes)", postgres / 1e3 / decisions));
    // the JIT compilers and the collector are not Java threads: ThreadMXBean does not list them
    long unlisted = processCpuNanos() - processCpuAtStart - jvm;
    lines.add(
        String.format(
            "    %8.0f us/decision  JIT compilers, GC and VM threads (the process's CPU less its"
                + " Java threads')",
            Math.max(0, unlisted) / 1e3 / decisions));
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                lines.add(
                    String.format(
                        "    %8.0f us/decision  %s", e.getValue() / 1e3 / decisions, e.getKey())));
    return lines;
  }

  /**
   * utime + stime of every process named postgres, with the children each has waited for (cutime +
   * cstime: the postmaster's count the backends and autovacuum workers that ended, whose CPU would
   * otherwise drop out of a run's difference), in clock ticks (0 where /proc is absent).
   */
  private static long postgresTicks() {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      return processes
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .mapToLong(process -> ticksIfNamed(process.resolve("stat"), "postgres", true))
          .sum();
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * CPU time of the JIT compiler threads of a JVM (C1 and C2, by their thread names in {@code
   * /proc/<pid>/task}), in milliseconds; -1 where /proc cannot be read.
   */
  static long compilerMillis(long pid) {
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      long ticks =
          tasks
              .map(task -> task.resolve("stat"))
              .mapToLong(
                  stat ->
                      ticksIfNamed(stat, "C2 CompilerThre", false)
                          + ticksIfNamed(stat, "C1 CompilerThre", false))
              .sum();
      return (long) (ticks / TICKS_PER_SECOND * 1000);
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  /** utime + stime of one process, in clock ticks (0 where /proc is absent). */
  private static long ticks(Path stat) {
    return ticksIfNamed(stat, null, false);
  }

  /**
   * utime + stime of a process (or thread) if its name is {@code name} (any name when null), else
   * 0; with {@code waitedChildren}, plus cutime + cstime.
   */
  private static long ticksIfNamed(Path statFile, String name, boolean waitedChildren) {
    try {
      String stat = Files.readString(statFile);
      int open = stat.indexOf('(');
      int close = stat.lastIndexOf(')');
      if (name != null && !name.equals(stat.substring(open + 1, close))) {
        return 0;
      }
      String[] fields = stat.substring(close + 2).split(" ");
      // fields after the name start at field 3 (state): utime is field 14, stime field 15
      long own = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return waitedChildren ? own + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : own;
    } catch (IOException | RuntimeException e) {
      return 0; // the process ended meanwhile
    }
  }

  /** The CPU time of this JVM's process, all its threads (0 where the JVM does not say). */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? Math.max(0, os.getProcessCpuTime())
        : 0;
  }

  /**
   * {busy, stolen, all} clock ticks of the whole machine since boot ({@code /proc/stat}; zeros
   * without it). Busy excludes idle and iowait; stolen is time the hypervisor gave to others.
   */
  static long[] machineTicks() {
    try {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long all = 0;
      for (int i = 1; i < cpu.length; i++) {
        all += Long.parseLong(cpu[i]);
      }
      long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
      long steal = cpu.length > 8 ? Long.parseLong(cpu[8]) : 0;
      return new long[] {all - idle, steal, all};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0, 0};
    }
  }
}
