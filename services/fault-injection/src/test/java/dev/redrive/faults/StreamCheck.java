package dev.redrive.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The end-of-stream checks every case shares, made on what the system really did: the commands
 * topic (read_committed, nothing deduplicated), the coordinator's tables and the audit's table.
 *
 * @param failures distinct failures sent (each must give exactly one retry command)
 * @param commands retry commands read for this case's executions
 * @param duplicates commands beyond the first for a failure, plus commands for no failure sent
 * @param lost failures without a command
 * @param outOfOrder commands of an execution that came after a command of a later phase
 * @param countedWrong failures the coordinator counted zero times or more than once
 * @param auditMissing failures and commands missing from the audit trail
 * @param examples a few ids of what went wrong, for the report
 */
record StreamCheck(
    int failures,
    int commands,
    int duplicates,
    int lost,
    int outOfOrder,
    int countedWrong,
    int auditMissing,
    List<String> examples) {

  boolean clean() {
    return duplicates == 0
        && lost == 0
        && outOfOrder == 0
        && countedWrong == 0
        && auditMissing == 0
        && commands == failures;
  }

  /**
   * Waits until every failure has a command (or {@code timeout}), then until the coordinator's
   * outbox is empty and nothing new arrives for a few seconds, then checks.
   *
   * @param expected failure keys in the order they were first sent (phase order per execution)
   * @param failureEventIds event ids of the failures sent, which the audit must hold
   */
  static StreamCheck drainAndCheck(
      String prefix,
      List<String> expected,
      Set<String> failureEventIds,
      CommandLog log,
      String coordinatorDb,
      String auditDb,
      Duration timeout) {
    Set<String> expectedSet = new HashSet<>(expected);
    try {
      Awaitility.await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> expectedSet.stream().allMatch(log::answered));
    } catch (ConditionTimeoutException e) {
      // reported as lost below
    }
    Awaitility.await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> count(coordinatorDb, "SELECT count(*) FROM coordinator.outbox") == 0);
    AtomicInteger last = new AtomicInteger(-1);
    Awaitility.await()
        .atMost(Duration.ofMinutes(1))
        .pollDelay(Duration.ofSeconds(3))
        .pollInterval(Duration.ofSeconds(3))
        .until(() -> last.getAndSet(log.seen().size()) == log.seen().size());
    List<CommandLog.Seen> seen =
        log.seen().stream().filter(s -> s.executionId().startsWith(prefix + "-")).toList();
    Set<String> commandEventIds = new HashSet<>();
    seen.forEach(s -> commandEventIds.add(s.eventId()));
    try {
      Awaitility.await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  auditEventIds(auditDb, prefix).containsAll(failureEventIds)
                      && auditEventIds(auditDb, prefix).containsAll(commandEventIds));
    } catch (ConditionTimeoutException e) {
      // reported as audit missing below
    }
    return check(prefix, expected, failureEventIds, seen, coordinatorDb, auditDb);
  }

  private static StreamCheck check(
      String prefix,
      List<String> expected,
      Set<String> failureEventIds,
      List<CommandLog.Seen> seen,
      String coordinatorDb,
      String auditDb) {
    List<String> examples = new ArrayList<>();
    Set<String> expectedSet = new HashSet<>(expected);
    Map<String, Integer> byKey = new HashMap<>();
    seen.forEach(s -> byKey.merge(s.failureKey(), 1, Integer::sum));
    int duplicates = 0;
    for (Map.Entry<String, Integer> entry : byKey.entrySet()) {
      int extra = expectedSet.contains(entry.getKey()) ? entry.getValue() - 1 : entry.getValue();
      if (extra > 0) {
        duplicates += extra;
        example(examples, "duplicate command x" + (extra + 1) + " for " + entry.getKey());
      }
    }
    int lost = 0;
    for (String key : expected) {
      if (!byKey.containsKey(key)) {
        lost++;
        example(examples, "no command for " + key);
      }
    }
    int outOfOrder = 0;
    Map<String, Integer> highestPhase = new HashMap<>();
    List<CommandLog.Seen> inOffsetOrder = new ArrayList<>(seen);
    inOffsetOrder.sort(
        Comparator.comparingInt(CommandLog.Seen::partition)
            .thenComparingLong(CommandLog.Seen::offset));
    for (CommandLog.Seen s : inOffsetOrder) {
      int phase = phaseIndex(s.phase());
      int highest = highestPhase.getOrDefault(s.executionId(), -1);
      if (phase < highest) {
        outOfOrder++;
        example(
            examples,
            "%s: command for %s at %d@%d after one for phase-%d"
                .formatted(s.executionId(), s.phase(), s.partition(), s.offset(), highest));
      }
      highestPhase.put(s.executionId(), Math.max(highest, phase));
    }
    int countedWrong = 0;
    Map<String, Integer> counted = phaseCounters(coordinatorDb, prefix);
    for (String key : expected) {
      Integer n = counted.get(key);
      if (n == null || n != 1) {
        countedWrong++;
        example(examples, "coordinator counted " + key + " " + (n == null ? 0 : n) + " times");
      }
    }
    Set<String> audited = auditEventIds(auditDb, prefix);
    int auditMissing = 0;
    for (String id : failureEventIds) {
      if (!audited.contains(id)) {
        auditMissing++;
        example(examples, "audit misses failure event " + id);
      }
    }
    for (CommandLog.Seen s : seen) {
      if (!audited.contains(s.eventId())) {
        auditMissing++;
        example(examples, "audit misses command event " + s.eventId());
      }
    }
    return new StreamCheck(
        expected.size(),
        seen.size(),
        duplicates,
        lost,
        outOfOrder,
        countedWrong,
        auditMissing,
        List.copyOf(examples));
  }

  static int phaseIndex(String phase) {
    return Integer.parseInt(phase.substring(phase.lastIndexOf('-') + 1));
  }

  private static void example(List<String> examples, String example) {
    if (examples.size() < 10) {
      examples.add(example);
    }
  }

  static long count(String database, String sql, Object... params) {
    try (Connection connection = Postgres.connect(Postgres.port(), database);
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static Map<String, Integer> phaseCounters(String database, String prefix) {
    Map<String, Integer> counters = new HashMap<>();
    try (Connection connection = Postgres.connect(Postgres.port(), database);
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT execution_id, phase, failed_attempts FROM coordinator.phase_failure_count"
                    + " WHERE execution_id LIKE ?")) {
      statement.setString(1, prefix + "-%");
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          counters.put(FailureStream.key(rows.getString(1), rows.getString(2)), rows.getInt(3));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return counters;
  }

  static Set<String> auditEventIds(String database, String prefix) {
    Set<String> ids = new HashSet<>();
    try (Connection connection = Postgres.connect(Postgres.port(), database);
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT event_id FROM audit.audit_event WHERE execution_id LIKE ?")) {
      statement.setString(1, prefix + "-%");
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }

  @Override
  public String toString() {
    return "failures=%d commands=%d duplicates=%d lost=%d outOfOrder=%d countedWrong=%d auditMissing=%d examples=%s"
        .formatted(
            failures, commands, duplicates, lost, outOfOrder, countedWrong, auditMissing, examples);
  }
}
