package dev.redrive.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Not Redrive: a probe of the fix proposed in docs/performance.md. It writes into the coordinator's
 * own tables the same rows that {@code RecordAttempt.failed} writes and reads for a first SOFT
 * failure (processed event, execution, attempt, its two checks, phase, counter, history, notes,
 * budget counts, retry context, execution status, three outbox rows) and what the outbox relay does
 * with them (read and delete), but set-based: one transaction per batch of failures, one statement
 * per step for the whole batch ({@code unnest} of array parameters). The rate it reaches is what
 * PostgreSQL on this machine allows a batching coordinator, before Kafka and Java costs.
 */
final class BatchedWritesProbe {

  private static final String MESSAGE = "balance check failed: expected >= 0.00, got -3.00";

  private BatchedWritesProbe() {}

  /** Runs {@code batches} batches of {@code size} failures; returns failures per second. */
  static double run(Connection connection, int batches, int size, int phasesPerExecution)
      throws SQLException {
    connection.setAutoCommit(false);
    byte[] payload = new byte[600];
    Arrays.fill(payload, (byte) 7);
    String context = context();
    long start = System.nanoTime();
    for (int b = 0; b < batches; b++) {
      int executions = Math.max(1, size / phasesPerExecution);
      String[] eventIds = new String[size];
      String[] executionIds = new String[size];
      String[] phases = new String[size];
      String[] attemptIds = new String[size];
      String[] commandIds = new String[size];
      String[] contexts = new String[size];
      for (int i = 0; i < size; i++) {
        eventIds[i] = UUID.randomUUID().toString();
        executionIds[i] = "probe-" + b + "-" + (i % executions);
        phases[i] = "phase-" + (i / executions);
        attemptIds[i] = executionIds[i] + "-" + phases[i] + "-1";
        commandIds[i] = UUID.randomUUID().toString();
        contexts[i] = context;
      }
      String[] distinctExecutions = Arrays.stream(executionIds).distinct().toArray(String[]::new);
      Array events = connection.createArrayOf("text", eventIds);
      Array execs = connection.createArrayOf("text", executionIds);
      Array phaseArray = connection.createArrayOf("text", phases);
      Array attempts = connection.createArrayOf("text", attemptIds);
      Array distinct = connection.createArrayOf("text", distinctExecutions);

      update(
          connection,
          "INSERT INTO processed_event (event_id) SELECT unnest(?::text[]) ON CONFLICT DO NOTHING",
          events);
      update(
          connection,
          """
          INSERT INTO execution (execution_id, pipeline, source, status)
          SELECT unnest(?::text[]), 'bench', 'redrive-runner', 'RUNNING'
          ON CONFLICT (execution_id) DO NOTHING""",
          distinct);
      update(
          connection,
          """
          INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
            failure_type, hard, error_type, error_message, exit_code, duration_ms, occurred_at,
            pipeline, source, attributes)
          SELECT a, e, p, 1, 'FAILED', 'EXIT_CRITERIA_NOT_MET', false, 'check failed', ?, 1, 1200,
            now(), 'bench', 'redrive-runner', '{}'::jsonb
          FROM unnest(?::text[], ?::text[], ?::text[]) AS t(a, e, p)
          ON CONFLICT (attempt_id) DO UPDATE SET outcome = 'FAILED'
          WHERE attempt.outcome = 'STARTED'""",
          MESSAGE,
          attempts,
          execs,
          phaseArray);
      update(
          connection,
          """
          INSERT INTO execution_phase (execution_id, position, phase)
          SELECT e, coalesce((SELECT max(position) + 1 FROM execution_phase x
                              WHERE x.execution_id = e), 0)
                    + row_number() OVER (PARTITION BY e ORDER BY p) - 1, p
          FROM unnest(?::text[], ?::text[]) AS t(e, p)
          ON CONFLICT DO NOTHING""",
          execs,
          phaseArray);
      update(
          connection,
          """
          UPDATE execution x SET last_failure_type = 'EXIT_CRITERIA_NOT_MET'
          FROM unnest(?::text[]) AS u(e) WHERE x.execution_id = u.e""",
          distinct);
      update(
          connection,
          """
          INSERT INTO attempt_check (attempt_id, position, name, passed, output_excerpt)
          SELECT a, c, CASE c WHEN 0 THEN 'balance' ELSE 'currency' END, c = 1,
            CASE c WHEN 0 THEN '-3.00' END
          FROM unnest(?::text[]) AS a, generate_series(0, 1) AS c ON CONFLICT DO NOTHING""",
          attempts);
      query(
          connection,
          """
          INSERT INTO phase_counter (execution_id, phase, failed_attempts)
          SELECT e, p, 1 FROM unnest(?::text[], ?::text[]) AS t(e, p)
          ON CONFLICT (execution_id, phase)
          DO UPDATE SET failed_attempts = phase_counter.failed_attempts + 1
          RETURNING execution_id, phase, failed_attempts""",
          execs,
          phaseArray);
      query(
          connection,
          """
          SELECT c.attempt_id, c.name, c.passed, c.output_excerpt FROM attempt_check c
          JOIN attempt a ON a.attempt_id = c.attempt_id
          JOIN unnest(?::text[], ?::text[]) AS u(e, p) ON a.execution_id = u.e AND a.phase = u.p
          ORDER BY c.attempt_id, c.position""",
          execs,
          phaseArray);
      query(
          connection,
          """
          SELECT a.* FROM attempt a
          JOIN unnest(?::text[], ?::text[]) AS u(e, p) ON a.execution_id = u.e AND a.phase = u.p
          WHERE a.outcome = 'FAILED' ORDER BY a.execution_id, a.phase, a.attempt_number""",
          execs,
          phaseArray);
      query(
          connection,
          """
          SELECT n.execution_id, n.phase, n.note FROM retry_note n
          JOIN unnest(?::text[], ?::text[]) AS u(e, p) ON n.execution_id = u.e AND n.phase = u.p
          ORDER BY n.id""",
          execs,
          phaseArray);
      for (String table : List.of("retry_context", "attempt")) {
        for (String scope : List.of("pipeline", "source")) {
          query(
              connection,
              "SELECT count(*) FROM "
                  + table
                  + " WHERE "
                  + (table.equals("retry_context") ? "automatic AND " : "")
                  + scope
                  + " = ? AND "
                  + (table.equals("attempt") ? "recorded_at" : "created_at")
                  + " > now() - make_interval(secs => 60)",
              scope.equals("pipeline") ? "bench" : "redrive-runner");
        }
      }
      update(
          connection,
          """
          INSERT INTO retry_context (command_id, execution_id, phase, attempt_number, context,
            pipeline, source, automatic)
          SELECT c, e, p, 2, x::jsonb, 'bench', 'redrive-runner', true
          FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS t(c, e, p, x)""",
          connection.createArrayOf("text", commandIds),
          execs,
          phaseArray,
          connection.createArrayOf("text", contexts));
      update(
          connection,
          """
          UPDATE execution x SET status = 'RETRY_SCHEDULED', current_phase = u.p,
            last_error = ?, updated_at = now()
          FROM (SELECT DISTINCT ON (e) e, p FROM unnest(?::text[], ?::text[]) AS t(e, p)
                ORDER BY e, p DESC) AS u
          WHERE x.execution_id = u.e AND x.status NOT IN ('SUCCEEDED', 'CANCELLED')""",
          "EXIT_CRITERIA_NOT_MET: " + MESSAGE,
          execs,
          phaseArray);
      outbox(connection, size, executionIds, payload);
      connection.commit();
      relay(connection);
    }
    connection.setAutoCommit(true);
    return (double) batches * size / ((System.nanoTime() - start) / 1e9);
  }

  /** Two decisions and one command per failure, in one statement. */
  private static void outbox(Connection connection, int size, String[] executionIds, byte[] payload)
      throws SQLException {
    int rows = size * 3;
    String[] topics = new String[rows];
    String[] keys = new String[rows];
    String[] ids = new String[rows];
    String[] types = new String[rows];
    byte[][] payloads = new byte[rows][];
    Timestamp[] due = new Timestamp[rows];
    Timestamp now = Timestamp.from(Instant.now());
    for (int i = 0; i < rows; i++) {
      int kind = i % 3;
      topics[i] = kind == 2 ? "redrive.commands" : "redrive.decisions";
      keys[i] = executionIds[i / 3];
      ids[i] = UUID.randomUUID().toString();
      types[i] =
          kind == 0 ? "RetryScheduled" : kind == 1 ? "RetryContextAssembled" : "RetryCommand";
      payloads[i] = payload;
      due[i] = now;
    }
    update(
        connection,
        """
        INSERT INTO outbox (topic, message_key, event_id, event_type, payload, due_at)
        SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[],
          ?::timestamptz[])""",
        connection.createArrayOf("text", topics),
        connection.createArrayOf("text", keys),
        connection.createArrayOf("text", ids),
        connection.createArrayOf("text", types),
        connection.createArrayOf("bytea", payloads),
        connection.createArrayOf("timestamptz", due));
  }

  /** What the outbox relay does in the database: read due rows 500 at a time, delete them. */
  private static void relay(Connection connection) throws SQLException {
    while (true) {
      List<Long> ids = new ArrayList<>();
      try (PreparedStatement claim =
          connection.prepareStatement(
              """
              SELECT id, topic, message_key, event_id, event_type, payload, due_at
              FROM outbox WHERE due_at <= now() ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED""")) {
        try (ResultSet rs = claim.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
            rs.getBytes(6);
          }
        }
      }
      if (ids.isEmpty()) {
        connection.commit();
        return;
      }
      update(
          connection,
          "DELETE FROM outbox WHERE id = ANY(?)",
          connection.createArrayOf("bigint", ids.toArray(Long[]::new)));
      connection.commit();
    }
  }

  private static void update(Connection connection, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, params);
      statement.executeUpdate();
    }
  }

  private static void query(Connection connection, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, params);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          rs.getObject(1);
        }
      }
    }
  }

  private static void bind(PreparedStatement statement, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      statement.setObject(i + 1, params[i]);
    }
  }

  /** A retry context of the size the coordinator stores for these failures. */
  private static String context() {
    return """
        {"executionId":"probe","phase":"phase-0","currentAttempt":2,"maxAttempts":2,\
        "priorAttempts":[{"attemptId":"probe-phase-0-1","attemptNumber":1,\
        "failureType":"EXIT_CRITERIA_NOT_MET","errorType":"check failed",\
        "message":"%s","exitCode":1,\
        "failedChecks":[{"name":"balance","passed":false,"outputExcerpt":"-3.00"}],\
        "durationMs":1200,"artifactsLocation":null,"occurredAt":"2026-11-23T17:00:00Z"}],\
        "notes":[],"guidance":"This is attempt 2 of 2 for phase 'phase-0'. Attempt 1 failed with\
         EXIT_CRITERIA_NOT_MET: %s. Failed checks: balance (-3.00).","truncated":false}"""
        .formatted(MESSAGE, MESSAGE);
  }
}
