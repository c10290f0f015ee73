package dev.redrive.coordinator.persistence;

import dev.redrive.coordinator.app.AttemptReport;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.domain.CheckOutcome;
import dev.redrive.coordinator.domain.ExecutionStatus;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.RetryContext;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The coordinator's tables: executions, attempts, counters and the contexts it sent. */
@Repository
public class CoordinatorStore {

  private final JdbcClient jdbc;
  private final JsonMapper json;

  /** When old budget buckets are next deleted ({@link System#nanoTime()}). */
  private final AtomicLong nextBucketCleanup = new AtomicLong(System.nanoTime());

  public CoordinatorStore(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** An execution's phase: the key of counters, histories and notes. */
  public record PhaseKey(String executionId, String phase) {}

  /** A retry budget's scope ({@code pipeline} or {@code source}) and its value. */
  public record BudgetScope(String scope, String name) {}

  /** The order in which budget rows are locked and written, the same in every transaction. */
  private static final Comparator<BudgetScope> BUDGET_ORDER =
      Comparator.comparing(BudgetScope::scope).thenComparing(BudgetScope::name);

  /** What the retry budget counted in its window (or what a batch adds to it). */
  public record BudgetCounts(long retries, long attempts) {}

  /**
   * What changes of an execution: its status, phase, last error and the type of its last failure
   * (each null: keep the old one).
   */
  public record ExecutionUpdate(
      String executionId,
      ExecutionStatus status,
      String currentPhase,
      String lastError,
      FailureType lastFailureType) {

    /** This update followed by {@code later}: what the later one sets wins. */
    public ExecutionUpdate then(ExecutionUpdate later) {
      return new ExecutionUpdate(
          executionId,
          later.status != null ? later.status : status,
          later.currentPhase != null ? later.currentPhase : currentPhase,
          later.lastError != null ? later.lastError : lastError,
          later.lastFailureType != null ? later.lastFailureType : lastFailureType);
    }
  }

  /** A retry context to store; {@code automatic} retries are what the retry budget counts. */
  public record ContextToSave(
      String commandId, RetryContext context, EventMeta cause, boolean automatic) {}

  /** Creates the execution the first time any event names it (external executions included). */
  public void ensureExecution(EventMeta meta) {
    ensureExecutions(List.of(meta));
  }

  /** {@link #ensureExecution} for many, in one statement; the first event of an execution wins. */
  public void ensureExecutions(List<EventMeta> metas) {
    Map<String, EventMeta> first = new LinkedHashMap<>();
    metas.forEach(meta -> first.putIfAbsent(meta.executionId(), meta));
    if (first.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            INSERT INTO execution (execution_id, pipeline, source, status)
            SELECT e, p, s, 'RUNNING' FROM unnest(?::text[], ?::text[], ?::text[]) AS t(e, p, s)
            ON CONFLICT (execution_id) DO NOTHING""")
        .param(texts(first.values(), EventMeta::executionId))
        .param(texts(first.values(), EventMeta::pipeline))
        .param(texts(first.values(), EventMeta::source))
        .update();
  }

  /**
   * Updates executions that have not ended, one update per execution. An ended execution
   * (SUCCEEDED, CANCELLED) stays as it is: the end arrives on another topic than the attempts, so a
   * late attempt event must not bring the execution back to life.
   */
  public void updateExecutions(Collection<ExecutionUpdate> updates) {
    if (updates.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            UPDATE execution x SET status = coalesce(u.s, x.status),
              current_phase = coalesce(u.p, x.current_phase),
              last_error = coalesce(u.l, x.last_error),
              last_failure_type = coalesce(u.t, x.last_failure_type), updated_at = now()
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS u(e, s, p, l, t)
            WHERE x.execution_id = u.e AND x.status NOT IN ('SUCCEEDED', 'CANCELLED')""")
        .param(texts(updates, ExecutionUpdate::executionId))
        .param(texts(updates, u -> text(u.status())))
        .param(texts(updates, ExecutionUpdate::currentPhase))
        .param(texts(updates, ExecutionUpdate::lastError))
        .param(texts(updates, u -> text(u.lastFailureType())))
        .update();
  }

  /** Records started attempts (at most one report per attempt id). */
  public void recordStarted(List<AttemptReport.Started> started) {
    if (started.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
              command_id, occurred_at, pipeline, source)
            SELECT a, e, p, n::int, 'STARTED', c, o::timestamptz, pl, s
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
              ?::text[], ?::text[]) AS t(a, e, p, n, c, o, pl, s)
            ON CONFLICT (attempt_id) DO NOTHING""")
        .param(texts(started, AttemptReport.Started::attemptId))
        .param(texts(started, s -> s.meta().executionId()))
        .param(texts(started, AttemptReport.Started::phase))
        .param(texts(started, s -> String.valueOf(s.attemptNumber())))
        .param(texts(started, AttemptReport.Started::commandId))
        .param(texts(started, s -> s.meta().occurredAt().toString()))
        .param(texts(started, s -> s.meta().pipeline()))
        .param(texts(started, s -> s.meta().source()))
        .update();
  }

  /** Records succeeded attempts (at most one report per attempt id). */
  public void recordSucceeded(List<AttemptReport.Succeeded> succeeded) {
    if (succeeded.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
              duration_ms, occurred_at, pipeline, source)
            SELECT a, e, p, n::int, 'SUCCEEDED', d::bigint, o::timestamptz, pl, s
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
              ?::text[], ?::text[]) AS t(a, e, p, n, d, o, pl, s)
            ON CONFLICT (attempt_id) DO UPDATE SET outcome = 'SUCCEEDED',
              duration_ms = excluded.duration_ms, occurred_at = excluded.occurred_at
            WHERE attempt.outcome = 'STARTED'""")
        .param(texts(succeeded, AttemptReport.Succeeded::attemptId))
        .param(texts(succeeded, s -> s.meta().executionId()))
        .param(texts(succeeded, AttemptReport.Succeeded::phase))
        .param(texts(succeeded, s -> String.valueOf(s.attemptNumber())))
        .param(texts(succeeded, s -> String.valueOf(s.durationMs())))
        .param(texts(succeeded, s -> s.meta().occurredAt().toString()))
        .param(texts(succeeded, s -> s.meta().pipeline()))
        .param(texts(succeeded, s -> s.meta().source()))
        .update();
  }

  /**
   * Records failures (at most one report per attempt id and per execution) with their checks;
   * returns the attempt ids recorded. An attempt that already ended (a duplicate report under
   * another event id) is not among them, and nothing of it is counted.
   */
  public Set<String> recordFailures(List<AttemptReport.Failed> failed) {
    if (failed.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.sql(
                """
                INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
                  failure_type, hard, error_type, error_message, exit_code, duration_ms,
                  artifacts_location, occurred_at, pipeline, source, attributes, checks)
                SELECT a, e, p, n::int, 'FAILED', ft, h::boolean, et, m, x::int, d::bigint, al,
                  o::timestamptz, pl, s, at::jsonb, c::jsonb
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                  ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                  ?::text[], ?::text[], ?::text[])
                  AS t(a, e, p, n, ft, h, et, m, x, d, al, o, pl, s, at, c)
                ON CONFLICT (attempt_id) DO UPDATE SET outcome = 'FAILED',
                  failure_type = excluded.failure_type, hard = excluded.hard,
                  error_type = excluded.error_type, error_message = excluded.error_message,
                  exit_code = excluded.exit_code, duration_ms = excluded.duration_ms,
                  artifacts_location = excluded.artifacts_location,
                  occurred_at = excluded.occurred_at, attributes = excluded.attributes,
                  checks = excluded.checks
                WHERE attempt.outcome = 'STARTED'
                RETURNING attempt_id""")
            .param(texts(failed, f -> f.failure().attemptId()))
            .param(texts(failed, f -> f.meta().executionId()))
            .param(texts(failed, f -> f.failure().phase()))
            .param(texts(failed, f -> String.valueOf(f.failure().attemptNumber())))
            .param(texts(failed, f -> f.failure().type().name()))
            .param(texts(failed, f -> String.valueOf(f.failure().hard())))
            .param(texts(failed, f -> f.failure().errorType()))
            .param(texts(failed, f -> f.failure().message()))
            .param(texts(failed, f -> text(f.failure().exitCode())))
            .param(texts(failed, f -> String.valueOf(f.failure().durationMs())))
            .param(texts(failed, f -> f.failure().artifactsLocation()))
            .param(texts(failed, f -> f.failure().occurredAt().toString()))
            .param(texts(failed, f -> f.meta().pipeline()))
            .param(texts(failed, f -> f.meta().source()))
            .param(texts(failed, f -> json.writeValueAsString(f.attributes())))
            .param(texts(failed, f -> json.writeValueAsString(f.failure().checks())))
            .query(String.class)
            .list());
  }

  /**
   * Adds one to the failure count of each phase (each named at most once) and returns the new
   * counts.
   */
  public Map<PhaseKey, Integer> countFailures(List<PhaseKey> phases) {
    Map<PhaseKey, Integer> counts = new HashMap<>();
    if (phases.isEmpty()) {
      return counts;
    }
    jdbc.sql(
            """
            INSERT INTO phase_counter (execution_id, phase, failed_attempts)
            SELECT e, p, 1 FROM unnest(?::text[], ?::text[]) AS t(e, p)
            ON CONFLICT (execution_id, phase)
            DO UPDATE SET failed_attempts = phase_counter.failed_attempts + 1
            RETURNING execution_id, phase, failed_attempts""")
        .param(texts(phases, PhaseKey::executionId))
        .param(texts(phases, PhaseKey::phase))
        .query((rs, n) -> counts.put(new PhaseKey(rs.getString(1), rs.getString(2)), rs.getInt(3)))
        .list();
    return counts;
  }

  /** Every failure of the phase, oldest first. */
  public List<Failure> failures(String executionId, String phase) {
    PhaseKey key = new PhaseKey(executionId, phase);
    return failures(List.of(key)).getOrDefault(key, List.of());
  }

  /** Every failure of each phase, oldest first (phases without failures are left out). */
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

  private static final tools.jackson.core.type.TypeReference<List<CheckOutcome>> CHECKS_TYPE =
      new tools.jackson.core.type.TypeReference<>() {};

  /** Stores the context a retry command carries. */
  public void saveContext(
      String commandId, RetryContext context, EventMeta cause, boolean automatic) {
    saveContexts(List.of(new ContextToSave(commandId, context, cause, automatic)));
  }

  /** Stores the contexts retry commands carry, in one statement. */
  public void saveContexts(List<ContextToSave> contexts) {
    if (contexts.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            INSERT INTO retry_context (command_id, execution_id, phase, attempt_number, context,
              pipeline, source, automatic)
            SELECT c, e, p, n::int, x::jsonb, pl, s, a::boolean
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
              ?::text[], ?::text[]) AS t(c, e, p, n, x, pl, s, a)""")
        .param(texts(contexts, ContextToSave::commandId))
        .param(texts(contexts, c -> c.context().executionId()))
        .param(texts(contexts, c -> c.context().phase()))
        .param(texts(contexts, c -> String.valueOf(c.context().currentAttempt())))
        .param(texts(contexts, c -> json.writeValueAsString(c.context())))
        .param(texts(contexts, c -> c.cause().pipeline()))
        .param(texts(contexts, c -> c.cause().source()))
        .param(texts(contexts, c -> String.valueOf(c.automatic())))
        .update();
  }

  /**
   * Adds attempts and automatic retries to the retry budget of each scope, in the time bucket of
   * now. Rows are taken in a fixed order, so that two consumers doing this at once do not deadlock.
   * Once per bucket width (not in every batch: paced load makes many small ones), the batch also
   * deletes the buckets of every scope that are older than two windows; the budget's reads only
   * count the buckets of the window.
   */
  public void countForBudget(Map<BudgetScope, BudgetCounts> added, Duration window) {
    if (added.isEmpty()) {
      return;
    }
    List<Map.Entry<BudgetScope, BudgetCounts>> rows =
        added.entrySet().stream().sorted(Map.Entry.comparingByKey(BUDGET_ORDER)).toList();
    long bucketSeconds = Math.max(1, window.toSeconds() / 12);
    jdbc.sql(
            """
            INSERT INTO budget_bucket (scope, name, bucket_start, attempts, retries)
            SELECT s, n, to_timestamp(floor(extract(epoch FROM now()) / ?) * ?), a::bigint,
              r::bigint
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
              AS t(s, n, a, r, i)
            ORDER BY i
            ON CONFLICT (scope, name, bucket_start) DO UPDATE
            SET attempts = budget_bucket.attempts + excluded.attempts,
                retries = budget_bucket.retries + excluded.retries""")
        .param(bucketSeconds)
        .param(bucketSeconds)
        .param(texts(rows, r -> r.getKey().scope()))
        .param(texts(rows, r -> r.getKey().name()))
        .param(texts(rows, r -> String.valueOf(r.getValue().attempts())))
        .param(texts(rows, r -> String.valueOf(r.getValue().retries())))
        .update();
    long now = System.nanoTime();
    long due = nextBucketCleanup.get();
    if (now - due >= 0
        && nextBucketCleanup.compareAndSet(due, now + bucketSeconds * 1_000_000_000L)) {
      jdbc.sql("DELETE FROM budget_bucket WHERE bucket_start < now() - make_interval(secs => ?)")
          .param(2.0 * window.toSeconds() + bucketSeconds)
          .update();
    }
  }

  /**
   * Locks the retry budget of each scope until the transaction ends, so that no other consumer
   * commits retries against it meanwhile, and bumps its version: counts read after this include
   * every batch that held the lock before. Scopes are locked in one fixed order, so that two
   * consumers doing this at once do not deadlock.
   *
   * @return the version of each scope's budget with this transaction's bump
   */
  public Map<BudgetScope, Long> lockBudgets(Collection<BudgetScope> scopes) {
    Map<BudgetScope, Long> versions = new HashMap<>();
    if (scopes.isEmpty()) {
      return versions;
    }
    List<BudgetScope> ordered = scopes.stream().distinct().sorted(BUDGET_ORDER).toList();
    jdbc.sql(
            """
            INSERT INTO budget_scope (scope, name, version)
            SELECT s, n, 1 FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS t(s, n, i)
            ORDER BY i
            ON CONFLICT (scope, name) DO UPDATE SET version = budget_scope.version + 1
            RETURNING scope, name, version""")
        .param(texts(ordered, BudgetScope::scope))
        .param(texts(ordered, BudgetScope::name))
        .query(
            (rs, n) ->
                versions.put(new BudgetScope(rs.getString(1), rs.getString(2)), rs.getLong(3)))
        .list();
    return versions;
  }

  /**
   * What the budgets of some scopes held when read: each one's automatic retries and attempts in
   * the window, and the version of those counts (0 for a scope no batch has locked yet).
   */
  public record BudgetWindow(
      Map<BudgetScope, BudgetCounts> counts, Map<BudgetScope, Long> versions) {}

  /**
   * Automatic retries and all attempts of each pipeline (or source) in the budget's window, and
   * their version, read in one statement so that the two agree.
   */
  public BudgetWindow budgetWindow(Collection<BudgetScope> scopes, Duration window) {
    Map<BudgetScope, BudgetCounts> counts = new HashMap<>();
    Map<BudgetScope, Long> versions = new HashMap<>();
    if (scopes.isEmpty()) {
      return new BudgetWindow(counts, versions);
    }
    jdbc.sql(
            """
            SELECT u.s, u.n, coalesce(v.version, 0), coalesce(sum(b.retries), 0),
              coalesce(sum(b.attempts), 0)
            FROM (SELECT DISTINCT s, n FROM unnest(?::text[], ?::text[]) AS t(s, n)) u
            LEFT JOIN budget_scope v ON v.scope = u.s AND v.name = u.n
            LEFT JOIN budget_bucket b ON b.scope = u.s AND b.name = u.n
              AND b.bucket_start > now() - make_interval(secs => ?)
            GROUP BY u.s, u.n, v.version""")
        .param(texts(scopes, BudgetScope::scope))
        .param(texts(scopes, BudgetScope::name))
        .param((double) window.toSeconds())
        .query(
            (rs, n) -> {
              BudgetScope scope = new BudgetScope(rs.getString(1), rs.getString(2));
              versions.put(scope, rs.getLong(3));
              return counts.put(scope, new BudgetCounts(rs.getLong(4), rs.getLong(5)));
            })
        .list();
    return new BudgetWindow(counts, versions);
  }

  /**
   * Remembers phases of executions (each execution named at most once), in the order phases are
   * first named.
   */
  public void knowPhases(List<PhaseKey> phases) {
    if (phases.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            INSERT INTO execution_phase (execution_id, position, phase)
            SELECT e, coalesce((SELECT max(position) + 1 FROM execution_phase x
                                WHERE x.execution_id = e), 0), p
            FROM unnest(?::text[], ?::text[]) AS t(e, p)
            ON CONFLICT DO NOTHING""")
        .param(texts(phases, PhaseKey::executionId))
        .param(texts(phases, PhaseKey::phase))
        .update();
  }

  /** The phases of a pipeline run, as the runner announced them (replacing what was guessed). */
  public void setPhases(String executionId, List<String> phases) {
    jdbc.sql("DELETE FROM execution_phase WHERE execution_id = ?").param(executionId).update();
    for (int i = 0; i < phases.size(); i++) {
      jdbc.sql("INSERT INTO execution_phase (execution_id, position, phase) VALUES (?, ?, ?)")
          .params(executionId, i, phases.get(i))
          .update();
    }
  }

  public List<String> phases(String executionId) {
    return jdbc.sql("SELECT phase FROM execution_phase WHERE execution_id = ? ORDER BY position")
        .param(executionId)
        .query(String.class)
        .list();
  }

  public void saveCheckpoint(String executionId, String phase, Map<String, String> outputs) {
    jdbc.sql(
            """
            INSERT INTO phase_checkpoint (execution_id, phase, outputs) VALUES (?, ?, ?::jsonb)
            ON CONFLICT (execution_id, phase)
            DO UPDATE SET outputs = excluded.outputs, created_at = now()""")
        .params(executionId, phase, json.writeValueAsString(outputs))
        .update();
  }

  public void clearCheckpoints(String executionId, List<String> phases) {
    jdbc.sql("DELETE FROM phase_checkpoint WHERE execution_id = ? AND phase = ANY(?)")
        .params(executionId, phases.toArray(String[]::new))
        .update();
  }

  /** Outputs of completed phases, by phase. */
  public Map<String, Map<String, String>> checkpoints(String executionId) {
    Map<String, Map<String, String>> checkpoints = new java.util.LinkedHashMap<>();
    jdbc.sql("SELECT phase, outputs::text FROM phase_checkpoint WHERE execution_id = ?")
        .param(executionId)
        .query(
            (rs, n) -> {
              checkpoints.put(rs.getString(1), json.readValue(rs.getString(2), OUTPUTS_TYPE));
              return null;
            })
        .list();
    return checkpoints;
  }

  private static final tools.jackson.core.type.TypeReference<Map<String, String>> OUTPUTS_TYPE =
      new tools.jackson.core.type.TypeReference<>() {};

  /** Sets the failure count of a phase to zero and returns what it was. */
  public int resetCount(String executionId, String phase) {
    Integer previous =
        jdbc.sql(
                "SELECT failed_attempts FROM phase_counter WHERE execution_id = ? AND phase = ? FOR UPDATE")
            .params(executionId, phase)
            .query(Integer.class)
            .optional()
            .orElse(0);
    jdbc.sql("UPDATE phase_counter SET failed_attempts = 0 WHERE execution_id = ? AND phase = ?")
        .params(executionId, phase)
        .update();
    return previous;
  }

  public int failedAttempts(String executionId, String phase) {
    return jdbc.sql(
            "SELECT failed_attempts FROM phase_counter WHERE execution_id = ? AND phase = ?")
        .params(executionId, phase)
        .query(Integer.class)
        .optional()
        .orElse(0);
  }

  /** The highest attempt number the phase has had. */
  public int lastAttemptNumber(String executionId, String phase) {
    return lastAttemptNumbers(List.of(new PhaseKey(executionId, phase)))
        .get(new PhaseKey(executionId, phase));
  }

  /** The highest attempt number each phase has had (0 for none). */
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

  public void addNote(String executionId, String phase, String note, String requestedBy) {
    jdbc.sql("INSERT INTO retry_note (execution_id, phase, note, requested_by) VALUES (?, ?, ?, ?)")
        .params(executionId, phase, note, requestedBy)
        .update();
  }

  /** Notes people left for the phase, oldest first, as they go into a context. */
  public List<String> notes(String executionId, String phase) {
    PhaseKey key = new PhaseKey(executionId, phase);
    return notes(List.of(key)).getOrDefault(key, List.of());
  }

  /** Notes people left for each phase, oldest first (phases without notes are left out). */
  public Map<PhaseKey, List<String>> notes(List<PhaseKey> phases) {
    Map<PhaseKey, List<String>> notes = new HashMap<>();
    if (phases.isEmpty()) {
      return notes;
    }
    jdbc.sql(
            """
            SELECT n.execution_id, n.phase, coalesce(n.requested_by || ': ', '') || n.note
            FROM retry_note n
            JOIN (SELECT DISTINCT e, p FROM unnest(?::text[], ?::text[]) AS t(e, p)) u
              ON n.execution_id = u.e AND n.phase = u.p
            ORDER BY n.id""")
        .param(texts(phases, PhaseKey::executionId))
        .param(texts(phases, PhaseKey::phase))
        .query(
            (rs, n) ->
                notes
                    .computeIfAbsent(
                        new PhaseKey(rs.getString(1), rs.getString(2)), k -> new ArrayList<>())
                    .add(rs.getString(3)))
        .list();
    return notes;
  }

  /** The answer a retry request got, if this request id was seen before. */
  public Optional<String> requestOutcome(String requestId) {
    return jdbc.sql("SELECT outcome::text FROM retry_request WHERE request_id = ?")
        .param(requestId)
        .query(String.class)
        .optional();
  }

  /** Records a request and its answer; false if the request id was already recorded. */
  public boolean saveRequest(String requestId, String executionId, Object outcome) {
    return jdbc.sql(
                """
                INSERT INTO retry_request (request_id, execution_id, outcome) VALUES (?, ?, ?::jsonb)
                ON CONFLICT DO NOTHING""")
            .params(requestId, executionId, json.writeValueAsString(outcome))
            .update()
        == 1;
  }

  public void createResubmitted(
      String newExecutionId, String pipeline, String source, String originalExecutionId) {
    jdbc.sql(
            """
            INSERT INTO execution (execution_id, pipeline, source, status, resubmitted_from)
            VALUES (?, ?, ?, 'RUNNING', ?)""")
        .params(newExecutionId, pipeline, source, originalExecutionId)
        .update();
  }

  /** Moves an execution to a status whatever it was (a person's forced retry may reopen it). */
  public void reopen(String executionId, ExecutionStatus status, String currentPhase) {
    jdbc.sql(
            """
            UPDATE execution SET status = ?, current_phase = coalesce(?, current_phase),
              updated_at = now() WHERE execution_id = ?""")
        .params(status.name(), currentPhase, executionId)
        .update();
  }

  /** PAUSED executions that match a bulk retry's filters, oldest first. */
  public List<String> pausedMatching(
      String pipeline, String phase, String failureType, Instant from, Instant to, int limit) {
    return jdbc.sql(
            """
            SELECT execution_id FROM execution WHERE status = 'PAUSED'
              AND (CAST(? AS TEXT) IS NULL OR pipeline = ?)
              AND (CAST(? AS TEXT) IS NULL OR current_phase = ?)
              AND (CAST(? AS TEXT) IS NULL OR last_failure_type = ?)
              AND (CAST(? AS TIMESTAMPTZ) IS NULL OR updated_at >= ?)
              AND (CAST(? AS TIMESTAMPTZ) IS NULL OR updated_at < ?)
            ORDER BY updated_at LIMIT ?""")
        .params(
            pipeline,
            pipeline,
            phase,
            phase,
            failureType,
            failureType,
            timestamp(from),
            timestamp(from),
            timestamp(to),
            timestamp(to),
            limit)
        .query(String.class)
        .list();
  }

  public long countPaused() {
    return jdbc.sql("SELECT count(*) FROM execution WHERE status = 'PAUSED'")
        .query(Long.class)
        .single();
  }

  /** One text array parameter: {@code unnest(?::text[])} turns it back into rows. */
  private static <T> String[] texts(Collection<T> rows, Function<T, String> column) {
    return rows.stream().map(column).toArray(String[]::new);
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  public Optional<ExecutionView> execution(String executionId) {
    return jdbc.sql("SELECT * FROM execution WHERE execution_id = ?")
        .param(executionId)
        .query(
            (rs, n) ->
                new ExecutionView(
                    rs.getString("execution_id"),
                    rs.getString("pipeline"),
                    rs.getString("source"),
                    ExecutionStatus.valueOf(rs.getString("status")),
                    rs.getString("current_phase"),
                    rs.getString("last_error"),
                    rs.getString("resubmitted_from"),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("updated_at").toInstant()))
        .optional();
  }

  public List<AttemptView> attempts(String executionId) {
    return jdbc.sql(
            "SELECT * FROM attempt WHERE execution_id = ? ORDER BY occurred_at, attempt_number")
        .param(executionId)
        .query(CoordinatorStore::attemptView)
        .list();
  }

  public Map<String, Integer> counters(String executionId) {
    return jdbc
        .sql("SELECT phase, failed_attempts FROM phase_counter WHERE execution_id = ?")
        .param(executionId)
        .query((rs, n) -> Map.entry(rs.getString(1), rs.getInt(2)))
        .list()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  public Optional<AttemptView> attempt(String attemptId) {
    return jdbc.sql("SELECT * FROM attempt WHERE attempt_id = ?")
        .param(attemptId)
        .query(CoordinatorStore::attemptView)
        .optional();
  }

  /** The context JSON a retry command carried, by command id. */
  public Optional<String> contextJson(String commandId) {
    return jdbc.sql("SELECT context::text FROM retry_context WHERE command_id = ?")
        .param(commandId)
        .query(String.class)
        .optional();
  }

  private static AttemptView attemptView(ResultSet rs, int n) throws SQLException {
    return new AttemptView(
        rs.getString("attempt_id"),
        rs.getString("execution_id"),
        rs.getString("phase"),
        rs.getInt("attempt_number"),
        rs.getString("outcome"),
        rs.getString("command_id"),
        rs.getString("failure_type"),
        rs.getString("error_message"),
        (Integer) rs.getObject("exit_code"),
        (Long) rs.getObject("duration_ms"),
        rs.getString("artifacts_location"),
        rs.getTimestamp("occurred_at").toInstant());
  }

  private static Failure failure(ResultSet rs, List<CheckOutcome> checks) throws SQLException {
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
        null);
  }

  /** An execution as the API shows it. */
  public record ExecutionView(
      String executionId,
      String pipeline,
      String source,
      ExecutionStatus status,
      String currentPhase,
      String lastError,
      String resubmittedFrom,
      Instant createdAt,
      Instant updatedAt) {}

  /** An attempt as the API shows it. */
  public record AttemptView(
      String attemptId,
      String executionId,
      String phase,
      int attemptNumber,
      String outcome,
      String commandId,
      String failureType,
      String errorMessage,
      Integer exitCode,
      Long durationMs,
      String artifactsLocation,
      Instant occurredAt) {}
}
