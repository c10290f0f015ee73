package dev.redrive.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A small sampling profiler: every few milliseconds it takes the stacks of the threads whose names
 * match and counts, per thread group, (a) the innermost Redrive method on the stack, which names
 * the SQL statement or step being run, and (b) what the thread is doing at the top of its stack
 * (waiting for PostgreSQL, in the Kafka client, or running Java code).
 */
final class StackSampler implements AutoCloseable {

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Predicate<String> names;
  private final long intervalMillis;
  private final Map<String, Map<String, Long>> byStep = new TreeMap<>();
  private final Map<String, Map<String, Long>> byActivity = new TreeMap<>();
  private final Map<String, Long> samples = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  StackSampler(Predicate<String> names, long intervalMillis) {
    this.names = names;
    this.intervalMillis = intervalMillis;
    this.thread = new Thread(this::run, "bench-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    long[] ids = new long[0];
    long lastLookup = 0;
    while (running) {
      long now = System.currentTimeMillis();
      if (now - lastLookup > 1000) {
        ids = matchingThreads();
        lastLookup = now;
      }
      if (ids.length > 0) {
        for (ThreadInfo info : threads.getThreadInfo(ids, Integer.MAX_VALUE)) {
          if (info != null) {
            record(info);
          }
        }
      }
      try {
        Thread.sleep(intervalMillis);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private long[] matchingThreads() {
    List<Long> matching = new ArrayList<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
      if (info != null && names.test(info.getThreadName())) {
        matching.add(info.getThreadId());
      }
    }
    return matching.stream().mapToLong(Long::longValue).toArray();
  }

  private synchronized void record(ThreadInfo info) {
    StackTraceElement[] stack = info.getStackTrace();
    String group = info.getThreadName().replaceAll("-\\d+(-C-\\d+)?$", "");
    samples.merge(group, 1L, Long::sum);
    byStep.computeIfAbsent(group, g -> new HashMap<>()).merge(step(stack), 1L, Long::sum);
    byActivity.computeIfAbsent(group, g -> new HashMap<>()).merge(activity(stack), 1L, Long::sum);
  }

  /** The innermost Redrive method (not the benchmark's) on the stack. */
  static String step(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      String type = frame.getClassName();
      if (type.startsWith("dev.redrive.") && !type.startsWith("dev.redrive.bench.")) {
        String simple = type.substring(type.lastIndexOf('.') + 1);
        if (simple.contains("$$SpringCGLIB")) {
          return simple.substring(0, simple.indexOf('$'))
              + "."
              + frame.getMethodName()
              + " (transaction begin/commit)";
        }
        return simple.replaceAll("\\$.*", "") + "." + frame.getMethodName();
      }
    }
    return "(no Redrive frame: Kafka poll, offset commit, container)";
  }

  /** What the thread is doing at the top of its stack. */
  static String activity(StackTraceElement[] stack) {
    boolean postgres = false;
    boolean kafka = false;
    for (StackTraceElement frame : stack) {
      postgres |= frame.getClassName().startsWith("org.postgresql.");
      kafka |= frame.getClassName().startsWith("org.apache.kafka.");
    }
    String top = stack.length == 0 ? "" : stack[0].getClassName() + "." + stack[0].getMethodName();
    boolean waiting =
        top.startsWith("sun.nio.ch.")
            || top.startsWith("java.net.")
            || top.contains("socketRead")
            || top.contains("Net.poll")
            || top.startsWith("jdk.internal.misc.Unsafe.park")
            || top.startsWith("java.lang.Object.wait")
            || top.startsWith("java.lang.Thread.sleep");
    if (postgres) {
      return waiting ? "waiting for PostgreSQL (socket)" : "PostgreSQL JDBC driver (CPU)";
    }
    if (kafka) {
      return waiting ? "waiting in the Kafka client" : "Kafka client (CPU)";
    }
    return waiting
        ? "waiting (future, lock or sleep)"
        : "Java code (Spring, Jackson, Avro, Redrive)";
  }

  /** The counts as percentages of each thread's samples, largest first, at most {@code limit}. */
  synchronized String summary(int limit) {
    StringBuilder out = new StringBuilder();
    for (String group : byStep.keySet()) {
      long total = samples.get(group);
      out.append(
          String.format(
              "  thread %s: %,d samples, one every %d ms%n", group, total, intervalMillis));
      out.append("    by activity:\n");
      top(byActivity.get(group), limit).forEach((k, v) -> out.append(line(k, v, total)));
      out.append("    by Redrive step (innermost Redrive frame on the stack):\n");
      top(byStep.get(group), limit).forEach((k, v) -> out.append(line(k, v, total)));
    }
    return out.toString();
  }

  private static String line(String key, long count, long total) {
    return String.format("      %5.1f%%  %s%n", 100.0 * count / Math.max(1, total), key);
  }

  private static Map<String, Long> top(Map<String, Long> counts, int limit) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5000);
  }
}
