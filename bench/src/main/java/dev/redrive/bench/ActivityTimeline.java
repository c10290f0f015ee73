package dev.redrive.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the machine was doing, second by second, during a paced run: the machine's busy and stolen
 * CPU, the JVM's garbage-collection time, the JIT compilers' CPU (this JVM's and the broker's),
 * PostgreSQL's autovacuum workers (with their phase) and the sessions waiting on a lock (with what
 * they wait for). Sampled every 100 ms on a thread of its own, so that the slowest seconds of a
 * latency run can be set against it: a tail made by stalls shows their cause here.
 */
final class ActivityTimeline implements AutoCloseable {

  private static final long SAMPLE_NANOS = 100_000_000L;

  /** The JIT compilers' CPU is read every this many samples. */
  private static final int JIT_EVERY = 10;

  private final Connection connection;
  private final long origin;
  private final long brokerPid;
  private final Map<Long, Second> seconds = new ConcurrentHashMap<>();
  private final Thread sampler;
  private volatile boolean running = true;

  /**
   * @param connection a connection of its own to the database under test
   * @param origin the {@link System#nanoTime()} that second 0 starts at
   * @param brokerPid the broker's process, whose JIT compilers are sampled with this JVM's
   */
  ActivityTimeline(Connection connection, long origin, long brokerPid) {
    this.connection = connection;
    this.origin = origin;
    this.brokerPid = brokerPid;
    this.sampler = new Thread(this::sample, "bench-activity-timeline");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** One line per second from {@code first} to {@code last}, as far as they were sampled. */
  List<String> describe(long first, long last) {
    List<String> lines = new ArrayList<>();
    for (long s = first; s <= last; s++) {
      Second second = seconds.get(s);
      if (second != null) {
        lines.add(String.format("      +%ds  %s", s, second.describe()));
      }
    }
    return lines;
  }

  /**
   * The JIT compilers' CPU (this JVM's and the broker's), ms in each second from {@code first} to
   * {@code last}: whether the contender was still being compiled while it was measured.
   */
  String jitSeries(long first, long last) {
    StringBuilder series = new StringBuilder();
    for (long s = first; s <= last; s++) {
      Second second = seconds.get(s);
      series.append(series.isEmpty() ? "" : " ").append(second == null ? "-" : second.jitMillis());
    }
    return series.toString();
  }

  private void sample() {
    long[] machineBefore = CpuProfile.machineTicks();
    long gcBefore = gcMillis();
    long jitBefore = jitMillis();
    int samples = 0;
    while (running) {
      long now = System.nanoTime();
      Second second =
          seconds.computeIfAbsent(Math.floorDiv(now - origin, 1_000_000_000L), s -> new Second());
      long[] machine = CpuProfile.machineTicks();
      long gc = gcMillis();
      second.add(machine, machineBefore, gc - gcBefore);
      machineBefore = machine;
      gcBefore = gc;
      if (++samples % JIT_EVERY == 0) {
        // each look reads every thread's stat file of two JVMs: once a second is enough
        long jit = jitMillis();
        second.jit(jit - jitBefore);
        jitBefore = jit;
      }
      try (Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  """
                  SELECT a.backend_type, a.wait_event, a.query, v.phase
                  FROM pg_stat_activity a LEFT JOIN pg_stat_progress_vacuum v ON v.pid = a.pid
                  WHERE a.pid <> pg_backend_pid()
                    AND (a.backend_type = 'autovacuum worker' OR a.wait_event_type = 'Lock')""")) {
        while (rows.next()) {
          if ("autovacuum worker".equals(rows.getString(1))) {
            second.autovacuum(rows.getString(3), rows.getString(4));
          } else {
            String query = rows.getString(3).strip();
            second.lockWait(
                rows.getString(2) + " " + query.substring(0, Math.min(query.length(), 40)));
          }
        }
      } catch (SQLException e) {
        return; // the database went away: the run is over
      }
      long sleep = SAMPLE_NANOS - (System.nanoTime() - now);
      if (sleep > 0) {
        try {
          Thread.sleep(sleep / 1_000_000L);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws Exception {
    running = false;
    sampler.interrupt();
    sampler.join(2_000);
    connection.close();
  }

  /** The CPU the JIT compilers of this JVM and the broker's used so far. */
  private long jitMillis() {
    return Math.max(0, CpuProfile.compilerMillis(ProcessHandle.current().pid()))
        + Math.max(0, CpuProfile.compilerMillis(brokerPid));
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  /** What one second's samples saw. */
  private static final class Second {
    private long busy;
    private long stolen;
    private long all;
    private long gcMillis;
    private long jitMillis;
    private int lockWaits;
    private final TreeSet<String> autovacuum = new TreeSet<>();
    private final TreeSet<String> waiting = new TreeSet<>();

    synchronized void add(long[] machine, long[] before, long gc) {
      busy += machine[0] - before[0];
      stolen += machine[1] - before[1];
      all += machine[2] - before[2];
      gcMillis += gc;
    }

    synchronized void jit(long millis) {
      jitMillis += millis;
    }

    synchronized long jitMillis() {
      return jitMillis;
    }

    /**
     * @param phase the vacuum's phase ({@code pg_stat_progress_vacuum}), null for an analyze
     */
    synchronized void autovacuum(String query, String phase) {
      String what = query.replace("autovacuum: ", "");
      autovacuum.add(phase == null ? what : what + " (" + phase + ")");
    }

    /**
     * @param what the lock waited for ({@code wait_event}: relation, transactionid, advisory ...)
     *     and the start of the waiting statement
     */
    synchronized void lockWait(String what) {
      lockWaits++;
      waiting.add(what.replaceAll("\\s+", " "));
    }

    synchronized String describe() {
      StringBuilder line =
          new StringBuilder(
              String.format(
                  "machine %3.0f%% busy (%2.0f%% stolen), GC %3d ms, JIT %4d ms, lock waits %d",
                  all == 0 ? 0 : 100.0 * busy / all,
                  all == 0 ? 0 : 100.0 * stolen / all,
                  gcMillis,
                  jitMillis,
                  lockWaits));
      if (!waiting.isEmpty()) {
        line.append(" ").append(waiting);
      }
      if (!autovacuum.isEmpty()) {
        line.append(", autovacuum ").append(autovacuum);
      }
      return line.toString();
    }
  }
}
