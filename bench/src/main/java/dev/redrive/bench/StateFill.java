package dev.redrive.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Fills the coordinator's state tables with a history of executions, as a coordinator that has run
 * for a while holds it: per execution one phase that failed once (two checks), was retried with a
 * context and succeeded on the retry; one in twenty is PAUSED. The history is a day old, so it is
 * outside the retry budget's window. Ten rows per execution in seven tables.
 */
final class StateFill {

  private static final String SERIES =
      " FROM generate_series(1, ?) g,"
          + " LATERAL (SELECT now() - interval '1 day' - (g % 86400) * interval '1 second' AS t) x";

  private static final String MESSAGE = "'balance check failed: expected >= 0.00, got -3.00'";

  private static final List<String> STATEMENTS =
      List.of(
          """
          INSERT INTO execution (execution_id, pipeline, source, status, current_phase, last_error,
            last_failure_type, created_at, updated_at)
          SELECT 'hist-' || g, 'bench', 'redrive-runner',
            CASE WHEN g %% 20 = 0 THEN 'PAUSED' ELSE 'SUCCEEDED' END, 'phase-0',
            'EXIT_CRITERIA_NOT_MET: ' || %s, 'EXIT_CRITERIA_NOT_MET', t, t"""
                  .formatted(MESSAGE)
              + SERIES,
          """
          INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome, failure_type,
            hard, error_type, error_message, exit_code, duration_ms, occurred_at, recorded_at,
            pipeline, source, attributes, checks)
          SELECT 'hist-' || g || '-phase-0-1', 'hist-' || g, 'phase-0', 1, 'FAILED',
            'EXIT_CRITERIA_NOT_MET', false, 'check failed', %s, 1, 1200, t, t, 'bench',
            'redrive-runner', '{}'::jsonb,
            '[{"name": "balance", "passed": false, "outputExcerpt": "-3.00"},
              {"name": "currency", "passed": true, "outputExcerpt": null}]'::jsonb"""
                  .formatted(MESSAGE)
              + SERIES,
          """
          INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome, command_id,
            duration_ms, occurred_at, recorded_at, pipeline, source)
          SELECT 'hist-' || g || '-phase-0-2', 'hist-' || g, 'phase-0', 2, 'SUCCEEDED',
            'hist-cmd-' || g, 900, t + interval '2 seconds', t + interval '2 seconds', 'bench',
            'redrive-runner'"""
              + SERIES,
          "INSERT INTO phase_counter (execution_id, phase, failed_attempts)"
              + " SELECT 'hist-' || g, 'phase-0', 1"
              + SERIES,
          "INSERT INTO execution_phase (execution_id, position, phase)"
              + " SELECT 'hist-' || g, 0, 'phase-0'"
              + SERIES,
          """
          INSERT INTO retry_context (command_id, execution_id, phase, attempt_number, context,
            created_at, pipeline, source, automatic)
          SELECT 'hist-cmd-' || g, 'hist-' || g, 'phase-0', 2,
            jsonb_build_object('executionId', 'hist-' || g, 'phase', 'phase-0',
              'currentAttempt', 2, 'maxAttempts', 2,
              'priorAttempts', jsonb_build_array(jsonb_build_object(
                'attemptId', 'hist-' || g || '-phase-0-1', 'attemptNumber', 1,
                'failureType', 'EXIT_CRITERIA_NOT_MET', 'errorType', 'check failed',
                'message', %s, 'exitCode', 1,
                'failedChecks', jsonb_build_array(jsonb_build_object(
                  'name', 'balance', 'passed', false, 'outputExcerpt', '-3.00')),
                'durationMs', 1200, 'artifactsLocation', null, 'occurredAt', t)),
              'notes', '[]'::jsonb,
              'guidance', 'This is attempt 2 of 2 for phase ''phase-0''. Attempt 1 failed with'
                || ' EXIT_CRITERIA_NOT_MET: ' || %s || '. Failed checks: balance (-3.00).',
              'truncated', false),
            t, 'bench', 'redrive-runner', true"""
                  .formatted(MESSAGE, MESSAGE)
              + SERIES,
          "INSERT INTO processed_event (event_id, processed_at)"
              + " SELECT md5('failed-' || g)::uuid::text, t"
              + SERIES,
          "INSERT INTO processed_event (event_id, processed_at)"
              + " SELECT md5('succeeded-' || g)::uuid::text, t + interval '2 seconds'"
              + SERIES);

  private static final List<String> TABLES =
      List.of(
          "execution",
          "attempt",
          "phase_counter",
          "execution_phase",
          "retry_context",
          "processed_event");

  private StateFill() {}

  /** Inserts the history of {@code executions} executions, then vacuums and analyzes the tables. */
  static void fill(Connection connection, int executions) throws SQLException {
    connection.setAutoCommit(false);
    for (String sql : STATEMENTS) {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setInt(1, executions);
        statement.executeUpdate();
      }
    }
    connection.commit();
    connection.setAutoCommit(true);
    try (Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        statement.execute("VACUUM ANALYZE " + table);
      }
    }
  }

  /** Rows in the coordinator's state tables, for the report. */
  static long rows(Connection connection) throws SQLException {
    long total = 0;
    try (Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        try (var rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          total += rs.getLong(1);
        }
      }
    }
    return total;
  }
}
