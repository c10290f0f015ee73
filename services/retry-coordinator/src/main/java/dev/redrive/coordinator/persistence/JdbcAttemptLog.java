package dev.redrive.coordinator.persistence;

import static dev.redrive.coordinator.persistence.SqlArrays.text;
import static dev.redrive.coordinator.persistence.SqlArrays.texts;

import dev.redrive.coordinator.app.AttemptLog;
import dev.redrive.coordinator.app.AttemptReport;
import dev.redrive.coordinator.app.DecidedFailure;
import dev.redrive.coordinator.app.FailureCount;
import dev.redrive.coordinator.app.PhaseKey;
import dev.redrive.coordinator.domain.CheckOutcome;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.whatif.RecordedDecision;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The attempt and phase_counter tables: every attempt reported, and each phase's failure count. */
@Repository
public class JdbcAttemptLog implements AttemptLog {

  private static final TypeReference<List<CheckOutcome>> CHECKS_TYPE = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public JdbcAttemptLog(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  @Override
  public Set<String> recordStarted(List<AttemptReport.Started> started) {
    if (started.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.sql(
                """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
              command_id, occurred_at, pipeline, source)
            SELECT a, e, p, n::int, 'STARTED', c, o::timestamptz, pl, s
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
              ?::text[], ?::text[]) AS t(a, e, p, n, c, o, pl, s)
            ON CONFLICT (attempt_id) DO NOTHING
            RETURNING attempt_id""")
            .param(texts(started, AttemptReport.Started::attemptId))
            .param(texts(started, s -> s.meta().executionId()))
            .param(texts(started, AttemptReport.Started::phase))
            .param(texts(started, s -> String.valueOf(s.attemptNumber())))
            .param(texts(started, AttemptReport.Started::commandId))
            .param(texts(started, s -> s.meta().occurredAt().toString()))
            .param(texts(started, s -> s.meta().pipeline()))
            .param(texts(started, s -> s.meta().source()))
            .query(String.class)
            .list());
  }

  @Override
  public Map<String, Boolean> recordSucceeded(List<AttemptReport.Succeeded> succeeded) {
    if (succeeded.isEmpty()) {
      return Map.of();
    }
    Map<String, Boolean> recorded = new HashMap<>();
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
              duration_ms, occurred_at, pipeline, source)
            SELECT a, e, p, n::int, 'SUCCEEDED', d::bigint, o::timestamptz, pl, s
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
              ?::text[], ?::text[]) AS t(a, e, p, n, d, o, pl, s)
            ON CONFLICT (attempt_id) DO UPDATE SET outcome = 'SUCCEEDED',
              duration_ms = excluded.duration_ms, occurred_at = excluded.occurred_at
            WHERE attempt.outcome = 'STARTED'
            RETURNING attempt_id, command_id""")
        .param(texts(succeeded, AttemptReport.Succeeded::attemptId))
        .param(texts(succeeded, s -> s.meta().executionId()))
        .param(texts(succeeded, AttemptReport.Succeeded::phase))
        .param(texts(succeeded, s -> String.valueOf(s.attemptNumber())))
        .param(texts(succeeded, s -> String.valueOf(s.durationMs())))
        .param(texts(succeeded, s -> s.meta().occurredAt().toString()))
        .param(texts(succeeded, s -> s.meta().pipeline()))
        .param(texts(succeeded, s -> s.meta().source()))
        .query(
            (RowCallbackHandler)
                row ->
                    recorded.put(row.getString("attempt_id"), row.getString("command_id") != null));
    return recorded;
  }

  @Override
  public KnownAttempts known(List<String> attemptIds) {
    if (attemptIds.isEmpty()) {
      return new KnownAttempts(Set.of(), Set.of());
    }
    Set<String> ended = new HashSet<>();
    Set<String> started = new HashSet<>();
    jdbc.sql(
            """
            SELECT attempt_id, outcome = 'STARTED' AS started FROM attempt
            WHERE attempt_id = ANY(?::text[])""")
        .param(attemptIds.toArray(String[]::new))
        .query(
            (RowCallbackHandler)
                row -> (row.getBoolean("started") ? started : ended).add(row.getString(1)));
    return new KnownAttempts(ended, started);
  }

  /** The columns of a failure and its decision, as both statements of {@link #recordFailures}. */
  private static final String FAILURE_COLUMNS =
      """
      SELECT a, e, p, n::int, ft, h::boolean, et, m, x::int, d::bigint, al, o::timestamptz, pl, s,
        at::jsonb, c, fp, id, ad, dc, dd::bigint, ra::bigint, dp
      FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
        ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
        ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
        AS t(a, e, p, n, ft, h, et, m, x, d, al, o, pl, s, at, c, fp, id, ad, dc, dd, ra, dp)
      """;

  /**
   * The failures of attempts that have no row are inserted, plainly: an insert that may meet a row
   * (ON CONFLICT) first probes the primary key for each and confirms each row with a WAL record of
   * its own, a tenth of the statement's time. Those of started attempts turn their rows FAILED. A
   * row that another transaction wrote since {@link #known} read (a duplicate key, or a started row
   * that ended) fails the round.
   */
  @Override
  public void recordFailures(List<DecidedFailure> decided, Set<String> started) {
    List<DecidedFailure> inserted = new ArrayList<>();
    List<DecidedFailure> ofStarted = new ArrayList<>();
    for (DecidedFailure failure : decided) {
      (started.contains(failure.attemptId()) ? ofStarted : inserted).add(failure);
    }
    if (!inserted.isEmpty()) {
      try {
        jdbc.sql(
                """
                INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, failure_type,
                  hard, error_type, error_message, exit_code, duration_ms, artifacts_location,
                  occurred_at, pipeline, source, attributes, checks, fingerprint, inputs_digest,
                  artifacts_digest, decision, decision_delay_ms, retry_after_ms, declared_policy,
                  outcome)
                SELECT *, 'FAILED' FROM (
                """
                    + FAILURE_COLUMNS
                    + ") f")
            .params(failureParameters(inserted))
            .update();
      } catch (DuplicateKeyException meanwhile) {
        throw new RecordedMeanwhile(inserted.size(), meanwhile);
      }
    }
    if (!ofStarted.isEmpty()) {
      int updated =
          jdbc.sql(
                  "WITH f AS ("
                      + FAILURE_COLUMNS
                      + """
                      )
                      UPDATE attempt SET outcome = 'FAILED', failure_type = f.ft, hard = f.h,
                        error_type = f.et, error_message = f.m, exit_code = f.x,
                        duration_ms = f.d, artifacts_location = f.al, occurred_at = f.o,
                        attributes = f.at, checks = f.c, fingerprint = f.fp,
                        inputs_digest = f.id, artifacts_digest = f.ad, decision = f.dc,
                        decision_delay_ms = f.dd, retry_after_ms = f.ra, declared_policy = f.dp
                      FROM f WHERE attempt.attempt_id = f.a AND attempt.outcome = 'STARTED'""")
              .params(failureParameters(ofStarted))
              .update();
      if (updated != ofStarted.size()) {
        throw new RecordedMeanwhile(updated, ofStarted.size());
      }
    }
  }

  /** The arrays of {@link #FAILURE_COLUMNS}, in its order. */
  private List<Object> failureParameters(List<DecidedFailure> decided) {
    List<AttemptReport.Failed> failed = decided.stream().map(DecidedFailure::report).toList();
    return List.of(
        texts(failed, f -> f.failure().attemptId()),
        texts(failed, f -> f.meta().executionId()),
        texts(failed, f -> f.failure().phase()),
        texts(failed, f -> String.valueOf(f.failure().attemptNumber())),
        texts(failed, f -> f.failure().type().name()),
        texts(failed, f -> String.valueOf(f.failure().hard())),
        texts(failed, f -> f.failure().errorType()),
        texts(failed, f -> f.failure().message()),
        texts(failed, f -> text(f.failure().exitCode())),
        texts(failed, f -> String.valueOf(f.failure().durationMs())),
        texts(failed, f -> f.failure().artifactsLocation()),
        texts(failed, f -> f.failure().occurredAt().toString()),
        texts(failed, f -> f.meta().pipeline()),
        texts(failed, f -> f.meta().source()),
        texts(failed, f -> json.writeValueAsString(f.attributes())),
        texts(failed, f -> json.writeValueAsString(f.failure().checks())),
        texts(failed, f -> f.failure().fingerprint().id()),
        texts(failed, f -> f.failure().inputsDigest()),
        texts(failed, f -> f.failure().artifactsDigest()),
        texts(decided, JdbcAttemptLog::decision),
        texts(decided, d -> millis(d.decision().delay())),
        texts(decided, d -> millis(d.retryAfter())),
        texts(decided, d -> DeclaredPolicies.json(json, d.declared())));
  }

  /** RETRY, LOOP or the cause of the pause, as {@code attempt.decision} keeps it. */
  static String decision(DecidedFailure decided) {
    RecordedDecision decision = decided.decision();
    return decision.kind() == RecordedDecision.Kind.INTERVENE
        ? decision.cause().name()
        : decision.kind().name();
  }

  private static String millis(Duration duration) {
    return duration == null ? null : String.valueOf(duration.toMillis());
  }

  /**
   * One statement for the batch. A phase's counter row is written from its second failure on (or
   * from its first when the loop handles it, or when the failures may come out of order): until
   * then its one FAILED attempt is its count ({@code phase_failure_count}, V21), and the first
   * failure of most phases writes a row less. Whether a failure is the phase's first is read from
   * the counter's row and the phase's other FAILED attempts; on a conflict (a row another
   * transaction wrote meanwhile: a reset, or a consumer out of order) the increment is applied to
   * that row. The inserted values are {@code (counted + earlier, 1 + earlier)}, so the increment is
   * {@code failed_attempts - failures + 1}.
   */
  @Override
  public Map<PhaseKey, FailureCount> countFailures(List<PhaseFailure> failures, boolean inOrder) {
    Map<PhaseKey, FailureCount> counts = new HashMap<>();
    if (failures.isEmpty()) {
      return counts;
    }
    // failures counts every failure the phase ever had (null on rows older than V14: not known)
    jdbc.sql(
            """
            WITH u AS (
              SELECT e, p, c::int AS c,
                EXISTS (SELECT 1 FROM phase_counter k WHERE k.execution_id = t.e AND k.phase = t.p)
                  OR EXISTS (SELECT 1 FROM attempt x WHERE x.execution_id = t.e AND x.phase = t.p
                    AND x.outcome = 'FAILED' AND x.attempt_id <> t.a) AS earlier
              FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS t(e, p, a, c)),
            counted AS (
              INSERT INTO phase_counter (execution_id, phase, failed_attempts, failures)
              SELECT e, p, c + earlier::int, 1 + earlier::int FROM u
              WHERE earlier OR c = 0 OR NOT ?::boolean
              ON CONFLICT (execution_id, phase) DO UPDATE SET failed_attempts =
                  phase_counter.failed_attempts + excluded.failed_attempts - excluded.failures + 1,
                failures = phase_counter.failures + 1
              RETURNING execution_id, phase, failed_attempts, failures)
            SELECT execution_id, phase, failed_attempts, failures FROM counted
            UNION ALL
            SELECT e, p, 1, 1 FROM u WHERE NOT (earlier OR c = 0 OR NOT ?::boolean)""")
        .param(texts(failures, f -> f.phase().executionId()))
        .param(texts(failures, f -> f.phase().phase()))
        .param(texts(failures, PhaseFailure::attemptId))
        .param(texts(failures, f -> f.counted() ? "1" : "0"))
        .param(inOrder)
        .param(inOrder)
        .query(
            (rs, n) ->
                counts.put(
                    new PhaseKey(rs.getString(1), rs.getString(2)),
                    new FailureCount(rs.getInt(3), rs.getObject(4) != null && rs.getInt(4) == 1)))
        .list();
    return counts;
  }

  @Override
  public Map<PhaseKey, List<Failure>> failures(List<PhaseKey> phases) {
    Map<PhaseKey, List<Failure>> failures = new HashMap<>();
    if (phases.isEmpty()) {
      return failures;
    }
    jdbc.sql(
            """
            SELECT a.* FROM attempt a
            JOIN (SELECT DISTINCT e, p FROM unnest(?::text[], ?::text[]) AS t(e, p)) u
              ON a.execution_id = u.e AND a.phase = u.p
            WHERE a.outcome = 'FAILED'
            ORDER BY a.execution_id, a.phase, a.attempt_number, a.occurred_at""")
        .param(texts(phases, PhaseKey::executionId))
        .param(texts(phases, PhaseKey::phase))
        .query(
            (rs, n) ->
                failures
                    .computeIfAbsent(
                        new PhaseKey(rs.getString("execution_id"), rs.getString("phase")),
                        k -> new ArrayList<>())
                    .add(failure(rs, json.readValue(rs.getString("checks"), CHECKS_TYPE))))
        .list();
    return failures;
  }

  @Override
  public List<Integer> succeededAttempts(String executionId, String phase) {
    return jdbc.sql(
            """
            SELECT DISTINCT attempt_number FROM attempt
            WHERE execution_id = ? AND phase = ? AND outcome = 'SUCCEEDED'
            ORDER BY attempt_number""")
        .params(executionId, phase)
        .query(Integer.class)
        .list();
  }

  @Override
  public Map<PhaseKey, Integer> lastAttemptNumbers(List<PhaseKey> phases) {
    Map<PhaseKey, Integer> numbers = new HashMap<>();
    phases.forEach(phase -> numbers.put(phase, 0));
    if (phases.isEmpty()) {
      return numbers;
    }
    jdbc.sql(
            """
            SELECT a.execution_id, a.phase, max(a.attempt_number) FROM attempt a
            JOIN (SELECT DISTINCT e, p FROM unnest(?::text[], ?::text[]) AS t(e, p)) u
              ON a.execution_id = u.e AND a.phase = u.p
            GROUP BY a.execution_id, a.phase""")
        .param(texts(phases, PhaseKey::executionId))
        .param(texts(phases, PhaseKey::phase))
        .query((rs, n) -> numbers.put(new PhaseKey(rs.getString(1), rs.getString(2)), rs.getInt(3)))
        .list();
    return numbers;
  }

  @Override
  public int failedAttempts(String executionId, String phase) {
    return jdbc.sql(
            "SELECT failed_attempts FROM phase_failure_count WHERE execution_id = ? AND phase = ?")
        .params(executionId, phase)
        .query(Integer.class)
        .optional()
        .orElse(0);
  }

  /**
   * Zeroes the phase's counter row, holding its lock; a phase without one (no failure, or a first
   * failure only) gets a row of 0 when it had a failure, unless a failure of another transaction
   * wrote the row meanwhile: then the row's lock is taken as above.
   */
  @Override
  public int resetCount(String executionId, String phase) {
    // a second pass finds the row that a failure of another transaction wrote (read committed)
    for (int pass = 1; pass <= 2; pass++) {
      Optional<Integer> previous =
          jdbc.sql(
                  """
                  SELECT failed_attempts FROM phase_counter WHERE execution_id = ? AND phase = ?
                  FOR UPDATE""")
              .params(executionId, phase)
              .query(Integer.class)
              .optional();
      if (previous.isPresent()) {
        jdbc.sql(
                "UPDATE phase_counter SET failed_attempts = 0 WHERE execution_id = ? AND phase = ?")
            .params(executionId, phase)
            .update();
        return previous.get();
      }
      int failed = failedAttempts(executionId, phase);
      if (failed == 0) {
        return 0;
      }
      int inserted =
          jdbc.sql(
                  """
                  INSERT INTO phase_counter (execution_id, phase, failed_attempts, failures)
                  VALUES (?, ?, 0, ?) ON CONFLICT (execution_id, phase) DO NOTHING""")
              .params(executionId, phase, failed)
              .update();
      if (inserted == 1) {
        return failed;
      }
    }
    throw new ConcurrencyFailureException(
        "the failure count of phase " + phase + " of " + executionId + " kept changing");
  }

  /**
   * A FAILED attempt row as a failure, without its Retry-After (a history does not need it; the
   * what-if reads it with the decision).
   */
  static Failure failure(ResultSet rs, List<CheckOutcome> checks) throws SQLException {
    return new Failure(
        rs.getString("attempt_id"),
        rs.getString("phase"),
        rs.getInt("attempt_number"),
        FailureType.valueOf(rs.getString("failure_type")),
        rs.getBoolean("hard"),
        rs.getString("error_type"),
        rs.getString("error_message"),
        (Integer) rs.getObject("exit_code"),
        checks,
        rs.getLong("duration_ms"),
        rs.getString("artifacts_location"),
        rs.getTimestamp("occurred_at").toInstant(),
        null,
        null,
        rs.getString("inputs_digest"),
        rs.getString("artifacts_digest"));
  }
}
