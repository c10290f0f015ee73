package dev.redrive.coordinator.persistence;

import static dev.redrive.coordinator.persistence.SqlArrays.timestamp;

import dev.redrive.coordinator.app.whatif.WhatIfHistory;
import dev.redrive.coordinator.app.whatif.WhatIfQuery;
import dev.redrive.coordinator.domain.CheckOutcome;
import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.whatif.PastEvent;
import dev.redrive.coordinator.domain.whatif.RecordedDecision;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A what-if's history from the attempt, failure_decision, execution and retry_request tables: two
 * statements. Attempt rows are read whole ({@code a.*}) and turned into failures by {@link
 * JdbcAttemptLog}, as the live history is. The executions are found by the {@code execution_recent}
 * index (changed since the window's start, created before its end), their attempts by {@code
 * attempt_by_execution}.
 */
@Repository
public class JdbcWhatIfHistory implements WhatIfHistory {

  private static final TypeReference<List<CheckOutcome>> CHECKS = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public JdbcWhatIfHistory(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  @Override
  public Window read(WhatIfQuery query, int maxAttempts) {
    List<PastEvent> attempts =
        jdbc.sql(
                """
                SELECT a.*, coalesce(a.decision, d.decision) AS kept_decision,
                  coalesce(a.decision_delay_ms, d.delay_ms) AS kept_delay_ms,
                  coalesce(a.retry_after_ms, d.retry_after_ms) AS kept_retry_after_ms,
                  coalesce(a.declared_policy, d.declared_policy::text) AS kept_declared_policy
                FROM execution e
                JOIN attempt a ON a.execution_id = e.execution_id
                LEFT JOIN failure_decision d ON d.attempt_id = a.attempt_id
                WHERE e.updated_at >= ? AND e.created_at < ?
                  AND a.outcome IN ('FAILED', 'SUCCEEDED') AND a.occurred_at < ?
                  AND (?::text IS NULL OR a.pipeline = ?)
                  AND (?::text IS NULL OR a.source = ?)
                ORDER BY a.occurred_at, a.attempt_id
                LIMIT ?""")
            .param(timestamp(query.from()))
            .param(timestamp(query.to()))
            .param(timestamp(query.to()))
            .param(query.pipeline())
            .param(query.pipeline())
            .param(query.source())
            .param(query.source())
            .param(maxAttempts + 1)
            .query((rs, n) -> attempt(rs, query.from()))
            .list();
    boolean cut = attempts.size() > maxAttempts;
    List<PastEvent> events = new ArrayList<>(cut ? attempts.subList(0, maxAttempts) : attempts);
    Instant readUntil = cut ? attempts.get(maxAttempts).at() : query.to();
    events.addAll(personRetries(events, query.from(), readUntil));
    return new Window(events, cut, readUntil, cut ? maxAttempts : attempts.size());
  }

  /** The retries people asked for of a phase (in place or resumed from it) of these executions. */
  private List<PastEvent> personRetries(List<PastEvent> attempts, Instant from, Instant until) {
    Set<String> executions = new LinkedHashSet<>();
    attempts.forEach(event -> executions.add(event.executionId()));
    if (executions.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            """
            SELECT execution_id, outcome->>'phase' AS phase,
              coalesce((outcome->>'countReset')::boolean, false) AS reset, created_at
            FROM retry_request
            WHERE execution_id = ANY(?::text[]) AND outcome->>'result' = 'ACCEPTED'
              AND outcome->>'phase' IS NOT NULL AND created_at < ?""")
        .param(executions.toArray(String[]::new))
        .param(timestamp(until))
        .query(
            (rs, n) -> {
              Instant at = rs.getTimestamp("created_at").toInstant();
              return (PastEvent)
                  new PastEvent.PersonRetry(
                      rs.getString("execution_id"),
                      rs.getString("phase"),
                      at,
                      rs.getBoolean("reset"),
                      !at.isBefore(from));
            })
        .list();
  }

  private PastEvent attempt(ResultSet rs, Instant from) throws SQLException {
    Instant at = rs.getTimestamp("occurred_at").toInstant();
    boolean inWindow = !at.isBefore(from);
    if ("SUCCEEDED".equals(rs.getString("outcome"))) {
      return new PastEvent.Succeeded(
          rs.getString("execution_id"),
          rs.getString("pipeline"),
          rs.getString("source"),
          rs.getString("phase"),
          at,
          inWindow);
    }
    Long retryAfter = (Long) rs.getObject("kept_retry_after_ms");
    return new PastEvent.Failed(
        rs.getString("execution_id"),
        rs.getString("pipeline"),
        rs.getString("source"),
        JdbcAttemptLog.failure(rs, json.readValue(rs.getString("checks"), CHECKS))
            .withRetryAfter(retryAfter == null ? null : Duration.ofMillis(retryAfter)),
        DeclaredPolicies.read(json, rs.getString("kept_declared_policy")),
        decision(rs.getString("kept_decision"), (Long) rs.getObject("kept_delay_ms")),
        inWindow);
  }

  /** The decision as {@link JdbcAttemptLog#decision} wrote it; none kept = unrecorded. */
  static RecordedDecision decision(String decision, Long delayMs) {
    if (decision == null) {
      return RecordedDecision.UNRECORDED;
    }
    if (decision.equals(RecordedDecision.Kind.RETRY.name())) {
      return RecordedDecision.retry(Duration.ofMillis(delayMs == null ? 0 : delayMs));
    }
    if (decision.equals(RecordedDecision.Kind.LOOP.name())) {
      return RecordedDecision.LOOP;
    }
    return Arrays.stream(Decision.Cause.values())
        .filter(cause -> cause.name().equals(decision))
        .findFirst()
        .map(RecordedDecision::intervene)
        // a cause of a later version, read by an older coordinator
        .orElse(RecordedDecision.UNRECORDED);
  }
}
