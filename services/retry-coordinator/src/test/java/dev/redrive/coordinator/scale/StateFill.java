package dev.redrive.coordinator.scale;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fills the coordinator's state tables with a history of executions, as a coordinator that has run
 * for a while holds it, in every table that grows with executions: per execution one phase whose
 * first attempt failed (two checks, a fingerprint shared with many other executions, digests of its
 * inputs and artifacts) and was retried with a context (and the decision's explanation) and
 * succeeded on the retry, leaving a checkpoint; one in twenty is PAUSED (with the explanation of
 * the pause). The history is a day old, so it is outside the retry budget's window. Fourteen rows
 * per execution in eight tables: execution, attempt (2), phase_counter, execution_phase,
 * retry_context, failure_decision, phase_checkpoint, processed_event (6: the four attempt events
 * and two process events of the story). The counter and decision rows are a history as the version
 * before V21 and V22 wrote it, which the coordinator still reads (a failure decided since keeps its
 * decision on its attempt row, and a phase that failed once has no counter row).
 *
 * <p>Shared by the benchmark's scale scenario and {@code StatePlansIT}, which checks that no
 * statement of the decision path scans one of {@link #TABLES} whole. Rows go in by chunks of {@link
 * #CHUNK} executions, one transaction each, so ten million executions need no single huge
 * transaction.
 */
public final class StateFill {

  /** The tables that grow with executions: the ones filled here. */
  public static final List<String> TABLES =
      List.of(
          "execution",
          "attempt",
          "phase_counter",
          "execution_phase",
          "retry_context",
          "failure_decision",
          "phase_checkpoint",
          "processed_event");

  /** Executions per transaction. */
  public static final int CHUNK = 1_000_000;

  private static final String SERIES =
      " FROM generate_series(?, ?) g,"
          + " LATERAL (SELECT now() - interval '1 day' - (g % 86400) * interval '1 second' AS t,"
          + " 'fp_' || substr(md5('fingerprint' || (g % 97)), 1, 12) AS fp) x";

  private static final String MESSAGE = "'balance check failed: expected >= 0.00, got -3.00'";

  /** The explanation of a decision as the coordinator stores it (ExplainedDecision as JSON). */
  private static final String DECISION =
      """
      jsonb_build_object('phase', 'phase-0', 'attemptNumber', 1, 'outcome', %s, 'cause', %s,
        'reason', %s, 'decidedAt', t, 'dueAt', t, 'declared', null,
        'why', jsonb_build_object('policy', 'default', 'policyVersion', 1,
          'origins', jsonb_build_object('maxAttempts', 'default', 'initialInterval', 'default',
            'multiplier', 'default', 'maxInterval', 'default', 'jitter', 'default',
            'retryOn', 'default', 'deadline', 'default'),
          'failuresCounted', 1, 'maxAttempts', 2,
          'budget', jsonb_build_array('pipeline bench: 1 retry of 120 attempts in the last 10m,'
            || ' within 20%% or 10 retries', 'source redrive-runner: 1 retry of 120 attempts in'
            || ' the last 10m, within 20%% or 10 retries'),
          'delay', jsonb_build_object('exponentialMs', 1000, 'capMs', 300000, 'jitter', 'FULL',
            'retryAfterMs', null, 'delayMs', 613, 'formula', 'min(1000 ms x 2^0, 300000 ms),'
            || ' full jitter: 613 ms'),
          'fingerprint', fp,
          'wouldChange', jsonb_build_array('maxAttempts 1 would have paused it',
            'a HARD failure would have paused it')))::text""";

  private static final List<String> STATEMENTS =
      List.of(
          """
          INSERT INTO execution (execution_id, pipeline, source, status, current_phase, last_error,
            last_failure_type, last_decision, created_at, updated_at)
          SELECT 'hist-' || g, 'bench', 'redrive-runner',
            CASE WHEN g %% 20 = 0 THEN 'PAUSED' ELSE 'SUCCEEDED' END, 'phase-0',
            'EXIT_CRITERIA_NOT_MET: ' || %s, 'EXIT_CRITERIA_NOT_MET',
            CASE WHEN g %% 20 = 0 THEN %s END, t, t"""
                  .formatted(
                      MESSAGE,
                      DECISION.formatted(
                          "'INTERVENE'",
                          "'ATTEMPTS_EXHAUSTED'",
                          "'attempts used up: 2 of 2 (maxAttempts)'"))
              + SERIES,
          """
          INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome, failure_type,
            hard, error_type, error_message, exit_code, duration_ms, occurred_at, recorded_at,
            pipeline, source, attributes, checks, fingerprint, inputs_digest, artifacts_digest)
          SELECT 'hist-' || g || '-phase-0-1', 'hist-' || g, 'phase-0', 1, 'FAILED',
            'EXIT_CRITERIA_NOT_MET', false, 'check failed', %s, 1, 1200, t, t, 'bench',
            'redrive-runner', '{}'::jsonb,
            '[{"name": "balance", "passed": false, "outputExcerpt": "-3.00"},
              {"name": "currency", "passed": true, "outputExcerpt": null}]'::jsonb,
            fp, md5('inputs' || g) || md5('inputs' || g || 'b'),
            md5('artifacts' || g) || md5('artifacts' || g || 'b')"""
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
            created_at, pipeline, source, automatic, decision)
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
            t, 'bench', 'redrive-runner', true, %s"""
                  .formatted(
                      MESSAGE,
                      MESSAGE,
                      DECISION.formatted(
                          "'RETRY'", "null", "'attempt 1 of 2 failed; retry 1 of 1 in 613 ms'"))
              + SERIES,
          "INSERT INTO failure_decision (attempt_id, decision, delay_ms)"
              + " SELECT 'hist-' || g || '-phase-0-1', 'RETRY', 613"
              + SERIES,
          """
          INSERT INTO phase_checkpoint (execution_id, phase, outputs, created_at)
          SELECT 'hist-' || g, 'phase-0',
            jsonb_build_object('out/report.csv', md5('report' || g) || md5('report' || g || 'b')),
            t + interval '3 seconds'"""
              + SERIES,
          // the event ids are random (UUIDs): sorted, each chunk goes through the index once
          """
          INSERT INTO processed_event (event_id, processed_at)
          SELECT md5(e || g)::uuid::text, t + o * interval '1 second'"""
              + SERIES
              + """
              , (VALUES ('execution-started', 0), ('attempt-started-1', 0), ('failed', 1),
                  ('attempt-started-2', 2), ('succeeded', 3), ('checkpoint', 3)) v(e, o)
              ORDER BY 1""");

  private StateFill() {}

  /**
   * Inserts the history of {@code executions} executions, then vacuums and analyzes the tables;
   * {@code progress} hears of each chunk.
   */
  public static void fill(Connection connection, int executions, Consumer<String> progress)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    for (long from = 1; from <= executions; from += CHUNK) {
      long to = Math.min(executions, from + CHUNK - 1);
      long start = System.nanoTime();
      for (String sql : STATEMENTS) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
          statement.setLong(1, from);
          statement.setLong(2, to);
          statement.executeUpdate();
        }
      }
      connection.commit();
      progress.accept(
          String.format(
              "executions %,d to %,d in %.1f s", from, to, (System.nanoTime() - start) / 1e9));
    }
    connection.setAutoCommit(true);
    try (Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        statement.execute("VACUUM ANALYZE " + table);
      }
    }
    connection.setAutoCommit(autoCommit);
  }

  /** Rows in the coordinator's state tables, for the report. */
  public static long rows(Connection connection) throws SQLException {
    long total = 0;
    try (Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          total += rs.getLong(1);
        }
      }
    }
    return total;
  }

  /** Bytes the database of {@code connection} takes on disk (tables, indexes, TOAST). */
  public static long databaseBytes(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT pg_database_size(current_database())")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
