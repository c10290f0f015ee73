package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.Retryability;
import dev.redrive.coordinator.scale.StateFill;
import dev.redrive.coordinator.scale.StatePlans;
import dev.redrive.support.topic.RedriveTopics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decision path, the outbox relay and the API's reads use the state tables through indexes, so
 * a coordinator holding millions of executions decides as fast as a new one (issue 16, "Scale to
 * 10M executions"). The tables hold enough history that PostgreSQL would scan a table whole if no
 * index served a statement; the coordinator then decides real failures, records an execution's end,
 * answers the API's reads of executions, attempts and lists, and every statement it ran (from
 * {@code pg_stat_statements}, so statements added later are checked too) is planned with {@code
 * EXPLAIN (GENERIC_PLAN)}: none may scan a table of {@link StateFill#TABLES}.
 */
class StatePlansIT {

  /** 700,000 rows: enough for a sequential scan to lose against any index. */
  private static final int EXECUTIONS = 50_000;

  private static final String PIPELINE = "bench";
  private static final String SOURCE = "redrive-runner";

  /** Marks this test's own statements, which are none of the coordinator's. */
  private static final String MARK = "StatePlansIT";

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;
  private static Connection connection;

  @BeforeAll
  static void startOnAHistory() throws SQLException {
    coordinator = new CoordinatorUnderTest("redrive.coordinator.policy.initial-interval=100ms");
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
    connection =
        StatePlans.connect(
            coordinator.databaseUrl,
            coordinator.infrastructure.jdbcUser(),
            coordinator.infrastructure.jdbcPassword());
    try (Statement statement = connection.createStatement()) {
      StateFill.fill(connection, EXECUTIONS, chunk -> {});
      statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      // what ran so far (migrations, the fill) is not the coordinator's work
      statement.execute(
          "SELECT pg_stat_statements_reset(0, oid, 0) FROM pg_database"
              + " WHERE datname = current_database()");
    }
  }

  @AfterAll
  static void stop() throws SQLException {
    connection.close();
    kafka.close();
    coordinator.close();
  }

  @Test
  void noStatementOfTheDecisionPathOrTheRelayScansAStateTableWhole() throws Exception {
    // given executions new and old: a retry that succeeds, a pause, a failure of a filled one
    String retried = "plans-retried-" + UUID.randomUUID();
    String paused = "plans-paused-" + UUID.randomUUID();
    String old = "hist-" + (EXECUTIONS / 2 + 1);
    kafka.send(
        RedriveTopics.PROCESS_EVENTS.name(),
        retried,
        TestEvents.executionStarted(retried, PIPELINE, List.of("phase-0", "phase-1")));
    attempt(retried, TestEvents.started(retried, SOURCE, PIPELINE, "phase-0", 1));
    attempt(retried, failure(retried, 1));
    attempt(paused, failure(paused, 1));
    attempt(paused, failure(paused, 2));
    attempt(old, failure(old, 3));

    // when the coordinator decided them, the relay sent the commands, and the retry succeeded
    assertThat(kafka.read(RedriveTopics.COMMANDS.name(), retried, 1)).hasSize(1);
    assertThat(kafka.read(RedriveTopics.DECISIONS.name(), paused, 3)).isNotEmpty();
    attempt(retried, TestEvents.started(retried, SOURCE, PIPELINE, "phase-0", 2));
    attempt(retried, TestEvents.succeeded(retried, SOURCE, PIPELINE, "phase-0", 2));
    await().atMost(Duration.ofSeconds(30)).until(() -> succeeded(retried + "-phase-0-2"));
    kafka.send(
        RedriveTopics.PROCESS_EVENTS.name(),
        retried,
        TestEvents.executionSucceeded(retried, PIPELINE));
    // and people read what the coordinator keeps: an execution, why it paused, its attempts, the
    // lists (not GET /api/v1/fingerprints: a report that aggregates every failure of its window,
    // read through the table when the window holds much of it)
    for (String read :
        List.of(
            "/api/v1/executions/" + paused,
            "/api/v1/executions/" + paused + "/status",
            "/api/v1/executions/" + paused + "/explain",
            "/api/v1/executions/" + old + "/explain",
            "/api/v1/attempts/" + retried + "-phase-0-1?context=true",
            "/api/v1/executions?status=PAUSED&limit=20",
            "/api/v1/executions?limit=20")) {
      assertThat(coordinator.get(read).status()).as(read).isEqualTo(200);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                StatePlans.statements(connection, MARK).stream()
                    .anyMatch(s -> s.contains("FROM execution_policy WHERE execution_id")));
    List<String> statements = StatePlans.statements(connection, MARK);

    // then every statement the coordinator ran reads the state tables through an index
    assertThat(statements)
        .as("the statements of the decision path and the relay")
        .anyMatch(s -> s.startsWith("INSERT INTO processed_event"))
        .anyMatch(s -> s.contains("WHERE attempt_id = ANY("))
        .anyMatch(s -> s.contains("decision_delay_ms"))
        .anyMatch(s -> s.startsWith("INSERT INTO retry_context"))
        .anyMatch(s -> s.startsWith("UPDATE execution"))
        .anyMatch(s -> s.startsWith("SELECT a.* FROM attempt"))
        .anyMatch(s -> s.contains("RETURNING attempt_id, command_id"))
        .anyMatch(s -> s.startsWith("DELETE FROM outbox"));
    assertThat(StatePlans.seqScans(connection, statements))
        .as("sequential scans of state tables")
        .isEmpty();
  }

  private static void attempt(String executionId, Object event) throws Exception {
    kafka.send(RedriveTopics.ATTEMPTS.name(), executionId, event);
  }

  private static Object failure(String executionId, int attempt) {
    return TestEvents.failure(executionId, SOURCE, PIPELINE, "phase-0", attempt, Retryability.SOFT);
  }

  private static boolean succeeded(String attemptId) throws SQLException {
    try (var query =
        connection.prepareStatement(
            "SELECT outcome FROM attempt WHERE attempt_id = ? /* " + MARK + " */")) {
      query.setString(1, attemptId);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next() && rs.getString(1).equals("SUCCEEDED");
      }
    }
  }
}
