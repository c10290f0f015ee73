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
 * CPU, the JVM's garbage-collection time, PostgreSQL's autovacuum workers and the sessions waiting
 * on a lock. Sampled every 100 ms on a thread of its own, so that the slowest seconds of a latency
 * run can be set against it: a tail made by stalls shows their cause here.
 */
final class ActivityTimeline implements AutoCloseable {

  private static final long SAMPLE_NANOS = 100_000_000L;

  private final Connection connection;
  private final long origin;
  private final Map<Long, Second> seconds = new ConcurrentHashMap<>();
  private final Thread sampler;
  private volatile boolean running = true;

  /**
   * @param connection a connection of its own to the database under test
   * @param origin the {@link System#nanoTime()} that second 0 starts at
   */
  ActivityTimeline(Connection connection, long origin) {
    this.connection = connection;
    this.origin = origin;
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

  private void sample() {
    long[] machineBefore = CpuProfile.machineTicks();
    long gcBefore = gcMillis();
    while (running) {
      long now = System.nanoTime();
      Second second =
          seconds.computeIfAbsent(Math.floorDiv(now - origin, 1_000_000_000L), s -> new Second());
      long[] machine = CpuProfile.machineTicks();
      long gc = gcMillis();
      second.add(machine, machineBefore, gc - gcBefore);
      machineBefore = machine;
      gcBefore = gc;
      try (Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  """
                  SELECT backend_type, wait_event_type, query FROM pg_stat_activity
                  WHERE pid <> pg_backend_pid()
                    AND (backend_type = 'autovacuum worker' OR wait_event_type = 'Lock')""")) {
        while (rows.next()) {
          if ("autovacuum worker".equals(rows.getString(1))) {
            second.autovacuum(rows.getString(3));
          } else {
            second.lockWait();
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
    private int lockWaits;
    private final TreeSet<String> autovacuum = new TreeSet<>();

    synchronized void add(long[] machine, long[] before, long gc) {
      busy += machine[0] - before[0];
      stolen += machine[1] - before[1];
      all += machine[2] - before[2];
      gcMillis += gc;
    }

    synchronized void autovacuum(String query) {
      autovacuum.add(query.replace("autovacuum: ", ""));
    }

    synchronized void lockWait() {
      lockWaits++;
    }

    synchronized String describe() {
      StringBuilder line =
          new StringBuilder(
              String.format(
                  "machine %3.0f%% busy (%2.0f%% stolen), GC %3d ms, lock waits %d",
                  all == 0 ? 0 : 100.0 * busy / all,
                  all == 0 ? 0 : 100.0 * stolen / all,
                  gcMillis,
                  lockWaits));
      if (!autovacuum.isEmpty()) {
        line.append(", autovacuum ").append(autovacuum);
      }
      return line.toString();
    }
  }
}
