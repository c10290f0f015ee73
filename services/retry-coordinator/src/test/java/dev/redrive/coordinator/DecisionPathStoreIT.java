package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.app.AttemptLog;
import dev.redrive.coordinator.app.AttemptReport;
import dev.redrive.coordinator.app.DecidedFailure;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.app.ExecutionUpdate;
import dev.redrive.coordinator.app.FailureCount;
import dev.redrive.coordinator.app.PhaseKey;
import dev.redrive.coordinator.app.whatif.WhatIfQuery;
import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.coordinator.domain.whatif.PastEvent;
import dev.redrive.coordinator.domain.whatif.RecordedDecision;
import dev.redrive.coordinator.kafka.SentRetryMessages;
import dev.redrive.coordinator.persistence.JdbcAttemptLog;
import dev.redrive.coordinator.persistence.JdbcExecutionQueries;
import dev.redrive.coordinator.persistence.JdbcExecutionStore;
import dev.redrive.coordinator.persistence.JdbcStatementPlans;
import dev.redrive.coordinator.persistence.JdbcWhatIfHistory;
import dev.redrive.support.avro.InMemorySchemaRegistry;
import dev.redrive.support.pack.PackedBytes;
import dev.redrive.testkit.RedriveInfrastructure;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * What performance step 2 (issue 16) took off the decision path, against a real database: a phase's
 * first failure is known from its counter (V14) so that its history is not read back, the phases of
 * an execution are known from its attempts instead of being written with each report, a batch
 * writes each execution once and reuses cached plans, and the contexts and whys written before V19
 * are still read.
 */
class DecisionPathStoreIT {

  private static final PhaseKey BUILD = new PhaseKey("exec-1", "build");

  private final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();
  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void shouldTellAPhasesFirstFailureFromItsCounterCountedOrHandledByALoop() {
    JdbcClient jdbc = JdbcClient.create(database("first_failure", MigrationVersion.LATEST));
    JdbcAttemptLog attempts = new JdbcAttemptLog(jdbc, json);
    PhaseKey review = new PhaseKey("exec-1", "review");

    assertThat(count(jdbc, attempts, BUILD, "b-1", true)).isEqualTo(new FailureCount(1, true));
    assertThat(count(jdbc, attempts, BUILD, "b-2", true)).isEqualTo(new FailureCount(2, false));
    // a failure the loop handles is not counted, but it is in the phase's history
    assertThat(count(jdbc, attempts, review, "r-1", false)).isEqualTo(new FailureCount(0, true));
    assertThat(count(jdbc, attempts, review, "r-2", true)).isEqualTo(new FailureCount(1, false));
    // a reset starts the count again, not the history
    assertThat(attempts.resetCount("exec-1", "build")).isEqualTo(2);
    assertThat(count(jdbc, attempts, BUILD, "b-3", true)).isEqualTo(new FailureCount(1, false));
    assertThat(attempts.failedAttempts("exec-1", "build")).isEqualTo(1);
  }

  @Test
  void shouldWriteNoCounterForAPhasesFirstCountedFailureAndCountItFromItsAttempt() {
    JdbcClient jdbc =
        JdbcClient.create(database("first_failure_unwritten", MigrationVersion.LATEST));
    JdbcAttemptLog attempts = new JdbcAttemptLog(jdbc, json);
    PhaseKey deploy = new PhaseKey("exec-1", "deploy");
    PhaseKey test = new PhaseKey("exec-1", "test");

    assertThat(count(jdbc, attempts, BUILD, "b-1", true)).isEqualTo(new FailureCount(1, true));
    assertThat(counterRow(jdbc, BUILD)).as("no row for a first failure").isEmpty();
    assertThat(attempts.failedAttempts("exec-1", "build")).isEqualTo(1);
    assertThat(queries(jdbc).counters("exec-1")).containsExactly(Map.entry("build", 1));
    // its second failure finds the first among the phase's attempts
    assertThat(count(jdbc, attempts, BUILD, "b-2", true)).isEqualTo(new FailureCount(2, false));
    assertThat(counterRow(jdbc, BUILD)).containsExactly(2, 2);

    // a reset of a phase that failed once writes its row
    count(jdbc, attempts, deploy, "d-1", true);
    assertThat(attempts.resetCount("exec-1", "deploy")).isEqualTo(1);
    assertThat(counterRow(jdbc, deploy)).containsExactly(0, 1);
    assertThat(count(jdbc, attempts, deploy, "d-2", true)).isEqualTo(new FailureCount(1, false));
    assertThat(counterRow(jdbc, deploy)).containsExactly(1, 2);
    // a phase that never failed: nothing to reset, nothing written
    assertThat(attempts.resetCount("exec-1", "package")).isZero();
    assertThat(counterRow(jdbc, new PhaseKey("exec-1", "package"))).isEmpty();

    // failures that may come out of order (a source topic) always write the row
    assertThat(attempts.countFailures(List.of(failure(jdbc, test, "t-1", true)), false))
        .containsEntry(test, new FailureCount(1, true));
    assertThat(counterRow(jdbc, test)).containsExactly(1, 1);
    assertThat(queries(jdbc).counters("exec-1"))
        .containsOnly(Map.entry("build", 2), Map.entry("deploy", 1), Map.entry("test", 1));
  }

  @Test
  void shouldKeepEachDecisionOnItsAttemptAndStillReadThoseKeptBeforeV22() {
    JdbcClient jdbc = JdbcClient.create(database("decision_on_attempt", MigrationVersion.LATEST));
    JdbcAttemptLog attempts = new JdbcAttemptLog(jdbc, json);
    Instant now = Instant.now();
    // a failure decided before V22: its decision in failure_decision
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
              failure_type, hard, occurred_at, checks)
            VALUES ('a-1', 'exec-1', 'build', 1, 'FAILED', 'COMMAND_FAILED', false, ?, '[]')""")
        .param(java.sql.Timestamp.from(now.minusSeconds(2)))
        .update();
    jdbc.sql(
            """
            INSERT INTO failure_decision (attempt_id, decision, delay_ms, retry_after_ms)
            VALUES ('a-1', 'RETRY', 1000, 500)""")
        .update();
    jdbc.sql(
            "INSERT INTO execution (execution_id, source, status) VALUES ('exec-1', 'r', 'RUNNING')")
        .update();
    // and one decided now, recorded with its decision; a STARTED row turns FAILED
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
              occurred_at)
            VALUES ('a-2', 'exec-1', 'build', 2, 'STARTED', now())""")
        .update();
    AttemptReport.Failed second = failedReport("a-2", 2, now.minusSeconds(1));

    assertThat(attempts.known(List.of("a-1", "a-2", "a-3")))
        .isEqualTo(new AttemptLog.KnownAttempts(Set.of("a-1"), Set.of("a-2")));
    attempts.recordFailures(
        List.of(
            new DecidedFailure(
                second,
                RecordedDecision.of(
                    new Decision.Intervene(
                        Decision.Cause.ATTEMPTS_EXHAUSTED, "attempts exhausted", "retry it")))),
        Set.of("a-2"));
    assertThat(attempts.known(List.of("a-2")).ended()).containsExactly("a-2");
    // recording an attempt that ended meanwhile (another consumer's) is refused, whether it was
    // known started or not known at all
    for (Set<String> started : List.of(Set.of("a-2"), Set.<String>of())) {
      assertThatThrownBy(
              () ->
                  attempts.recordFailures(
                      List.of(new DecidedFailure(second, RecordedDecision.LOOP)), started))
          .isInstanceOf(AttemptLog.RecordedMeanwhile.class);
    }

    List<PastEvent> replayed =
        new JdbcWhatIfHistory(jdbc, json)
            .read(new WhatIfQuery(now.minusSeconds(60), now.plusSeconds(60), null, null, null), 10)
            .events();
    assertThat(replayed)
        .map(event -> ((PastEvent.Failed) event).actual().kind())
        .containsExactly(RecordedDecision.Kind.RETRY, RecordedDecision.Kind.INTERVENE);
    assertThat(((PastEvent.Failed) replayed.get(0)).actual().delay())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(((PastEvent.Failed) replayed.get(0)).failure().retryAfter())
        .isEqualTo(Duration.ofMillis(500));
    assertThat(((PastEvent.Failed) replayed.get(1)).actual().cause())
        .isEqualTo(Decision.Cause.ATTEMPTS_EXHAUSTED);
  }

  @Test
  void shouldReadTheHistoryAndFindTheLastRetryOfAnExecutionFromBeforeV14() {
    DriverManagerDataSource dataSource = database("before_v14", MigrationVersion.fromVersion("12"));
    JdbcClient jdbc = JdbcClient.create(dataSource);
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
              failure_type, hard, error_type, error_message, duration_ms, occurred_at)
            VALUES ('a-1', 'exec-1', 'build', 1, 'FAILED', 'COMMAND_FAILED', false, 'exit',
              'exit 1', 300, now())""")
        .update();
    jdbc.sql("INSERT INTO phase_counter (execution_id, phase, failed_attempts) VALUES (?, ?, 1)")
        .params("exec-1", "build")
        .update();
    jdbc.sql(
            "INSERT INTO execution (execution_id, source, status) VALUES ('exec-1', 'r', 'RUNNING')")
        .update();
    retryContext(jdbc, "cmd-1", "older retry", "2026-12-06T10:00:01Z");
    retryContext(jdbc, "cmd-2", "last retry", "2026-12-06T10:00:02Z");
    jdbc.sql(
            "UPDATE retry_context SET created_at = created_at + interval '1 second' WHERE command_id = 'cmd-2'")
        .update();
    CoordinatorSchema.migrate(dataSource, MigrationVersion.LATEST);
    assertThat(queries(jdbc).lastDecision("exec-1"))
        .as("the last retry with a why, found by V14")
        .get()
        .extracting("reason")
        .isEqualTo("last retry");
    JdbcAttemptLog attempts = new JdbcAttemptLog(jdbc, json);

    // how many failures the phase had is not known: not its first, so its history is read
    assertThat(count(jdbc, attempts, BUILD, "a-2", true)).isEqualTo(new FailureCount(2, false));
    assertThat(attempts.failures("exec-1", "build"))
        .extracting(Failure::attemptId)
        .containsExactly("a-1", "a-2");
  }

  @Test
  void shouldStillReadTheContextsAndWhysWrittenAsJsonBeforeV19() {
    JdbcClient jdbc = JdbcClient.create(database("packed_documents", MigrationVersion.LATEST));
    jdbc.sql(
            """
            INSERT INTO execution (execution_id, source, status, last_retry_command)
            VALUES ('exec-1', 'r', 'RETRY_SCHEDULED', 'cmd-2')""")
        .update();
    // as written before V17: the context and the why as text
    retryContext(jdbc, "cmd-1", "written as text", "2026-12-06T10:00:01Z");
    // as written from V17 to V19: both as JSON, packed into one value
    RetryContext context =
        new RetryContextAssembler(10_000)
            .assemble("exec-1", "build", 2, 3, List.of(), List.of("a note: check the cache"));
    jdbc.sql(
            """
            INSERT INTO retry_context (command_id, execution_id, phase, attempt_number,
              packed_documents)
            VALUES ('cmd-2', 'exec-1', 'build', 2, ?)""")
        .param(
            PackedBytes.pack(
                List.of(
                    json.writeValueAsBytes(context),
                    decision("packed", "2026-12-06T10:00:02Z").getBytes(StandardCharsets.UTF_8))))
        .update();

    JdbcExecutionQueries queries = queries(jdbc);
    assertThat(json.readTree(queries.contextJson("cmd-2").orElseThrow()))
        .isEqualTo(json.valueToTree(context));
    assertThat(queries.lastDecision("exec-1")).get().extracting("reason").isEqualTo("packed");
    assertThat(queries.contextJson("cmd-1")).contains("{}");
    jdbc.sql("UPDATE execution SET last_retry_command = 'cmd-1'").update();
    assertThat(queries.lastDecision("exec-1"))
        .get()
        .extracting("reason")
        .isEqualTo("written as text");
  }

  @Test
  void shouldKnowThePhasesAnnouncedThenThoseOnlyAttemptsNamed() {
    JdbcClient jdbc = JdbcClient.create(database("phases", MigrationVersion.LATEST));
    new JdbcExecutionStore(jdbc, json).setPhases("exec-1", List.of("fetch", "build"));
    attempt(jdbc, "exec-1", "deploy", "2026-12-06T10:00:03Z");
    attempt(jdbc, "exec-1", "build", "2026-12-06T10:00:02Z");
    attempt(jdbc, "exec-1", "fetch", "2026-12-06T10:00:01Z");
    attempt(jdbc, "other-1", "settle", "2026-12-06T10:00:05Z");
    attempt(jdbc, "other-1", "charge", "2026-12-06T10:00:04Z");
    attempt(jdbc, "other-1", "settle", "2026-12-06T10:00:01Z");
    JdbcExecutionQueries queries = queries(jdbc);

    assertThat(queries.phases("exec-1")).containsExactly("fetch", "build", "deploy");
    // another system's execution: in the order of each phase's first attempt
    assertThat(queries.phases("other-1")).containsExactly("settle", "charge");
    assertThat(queries.phases("unknown")).isEmpty();
  }

  @Test
  void shouldFindTheWhyOfTheLastRetryThroughTheExecution() {
    JdbcClient jdbc = JdbcClient.create(database("last_retry", MigrationVersion.LATEST));
    JdbcExecutionStore executions = new JdbcExecutionStore(jdbc, json);
    JdbcExecutionQueries queries = queries(jdbc);
    jdbc.sql(
            "INSERT INTO execution (execution_id, source, status) VALUES ('exec-1', 'r', 'RUNNING')")
        .update();
    retryContext(jdbc, "cmd-1", "first retry", "2026-12-06T10:00:01Z");
    retryContext(jdbc, "cmd-2", "second retry", "2026-12-06T10:00:02Z");

    executions.updateExecutions(List.of(ExecutionUpdate.retried("exec-1", "cmd-1")));
    assertThat(queries.lastDecision("exec-1")).get().extracting("reason").isEqualTo("first retry");

    executions.updateExecutions(List.of(ExecutionUpdate.retried("exec-1", "cmd-2")));
    assertThat(queries.lastDecision("exec-1")).get().extracting("reason").isEqualTo("second retry");
    assertThat(queries.lastDecision("exec-2")).isEmpty();
  }

  @Test
  void shouldWriteEachExecutionOfABatchOnceAndLeaveEndedAndUnchangedOnesAsTheyAre() {
    DriverManagerDataSource dataSource = database("executions_once", MigrationVersion.LATEST);
    JdbcClient jdbc = JdbcClient.create(dataSource);
    JdbcExecutionStore executions = new JdbcExecutionStore(jdbc, json);
    jdbc.sql(
            """
            INSERT INTO execution (execution_id, source, status, updated_at) VALUES
              ('known-1', 'r', 'RUNNING', '2026-12-01T00:00:00Z'),
              ('known-2', 'r', 'RUNNING', '2026-12-01T00:00:00Z'),
              ('ended-1', 'r', 'SUCCEEDED', '2026-12-01T00:00:00Z')""")
        .update();
    TransactionTemplate transaction =
        new TransactionTemplate(new DataSourceTransactionManager(dataSource));

    List<Long> insertedAndUpdated =
        transaction.execute(
            status -> {
              executions.recordExecutions(
                  List.of(meta("new-1", "demo"), meta("known-1", "demo"), meta("ended-1", "demo")),
                  List.of(
                      new ExecutionUpdate(
                          "new-1", ExecutionStatus.RETRY_SCHEDULED, "build", "exit 1", null),
                      ExecutionUpdate.retried("new-1", "cmd-1"),
                      new ExecutionUpdate("ended-1", ExecutionStatus.RUNNING, "build", null, null),
                      new ExecutionUpdate("known-2", ExecutionStatus.PAUSED, "test", null, null)));
              return jdbc.sql(
                      """
                      SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables
                      WHERE relname = 'execution'""")
                  .query((rs, n) -> List.of(rs.getLong(1), rs.getLong(2)))
                  .single();
            });

    // the new execution inserted as its updates left it (the last update merged with the first),
    // and only the known one that had an update updated: one row written each
    assertThat(insertedAndUpdated).containsExactly(1L, 1L);
    assertThat(row(jdbc, "new-1"))
        .containsExactly("demo", "RETRY_SCHEDULED", "build", "exit 1", "cmd-1");
    assertThat(row(jdbc, "known-2")).containsExactly(null, "PAUSED", "test", null, null);
    assertThat(row(jdbc, "ended-1")).containsExactly(null, "SUCCEEDED", null, null, null);
    assertThat(
            jdbc.sql("SELECT count(*) FROM execution WHERE updated_at < '2026-12-02T00:00:00Z'")
                .query(Long.class)
                .single())
        .as("known-1 (named, not changed) and ended-1 keep their updated_at")
        .isEqualTo(2);
  }

  @Test
  void shouldApplyTheUpdateOfANewExecutionThatAnotherTransactionCreatedMeanwhile()
      throws Exception {
    DriverManagerDataSource dataSource = database("executions_raced", MigrationVersion.LATEST);
    JdbcClient jdbc = JdbcClient.create(dataSource);
    JdbcExecutionStore executions = new JdbcExecutionStore(jdbc, json);
    ExecutorService batch = Executors.newSingleThreadExecutor();
    try (Connection other = dataSource.getConnection()) {
      other.setAutoCommit(false);
      try (var insert = other.createStatement()) {
        // what a process event's consumer does with the first event of the same execution
        insert.executeUpdate(
            "INSERT INTO execution (execution_id, pipeline, source, status)"
                + " VALUES ('race-1', 'demo', 'runner', 'RUNNING')");
      }
      Future<?> recorded =
          batch.submit(
              () ->
                  executions.recordExecutions(
                      List.of(meta("race-1", "demo")),
                      List.of(
                          new ExecutionUpdate(
                              "race-1", ExecutionStatus.PAUSED, "build", "exit 1", null))));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  jdbc.sql(
                              """
                          SELECT count(*) FROM pg_stat_activity
                          WHERE wait_event_type = 'Lock' AND query LIKE 'WITH u AS%'""")
                          .query(Long.class)
                          .single()
                      == 1);
      other.commit();
      recorded.get(10, TimeUnit.SECONDS);
    } finally {
      batch.shutdownNow();
    }

    assertThat(row(jdbc, "race-1")).containsExactly("demo", "PAUSED", "build", "exit 1", null);
  }

  /**
   * On the coordinator's connections (retry-coordinator.yml's {@code connection-init-sql}), a
   * batch's update of its executions looks each one up by its key. At PostgreSQL's default {@code
   * random_page_cost} (4) the planner joined a batch of a few hundred to a scan of the whole table
   * of a freshly vacuumed 10,000 executions: 4x the time of the lookups (docs/performance.md).
   */
  @Test
  void shouldUpdateABatchsExecutionsThroughTheirKeyOnTheCoordinatorsConnections() {
    DriverManagerDataSource database = database("batch_lookups", MigrationVersion.LATEST);
    JdbcClient setup = JdbcClient.create(database);
    setup
        .sql(
            """
            INSERT INTO execution (execution_id, pipeline, source, status, current_phase,
              last_error, last_failure_type, last_retry_command)
            SELECT 'exec-' || g, 'demo', 'runner', 'RETRY_SCHEDULED', 'build',
              'exit 1: connection reset by peer while reading the response', 'SOFT', 'cmd-' || g
            FROM generate_series(1, 10000) g""")
        .update();
    // as autovacuum leaves the table: compact, its statistics fresh
    setup.sql("VACUUM ANALYZE execution").update();
    List<ExecutionUpdate> batch =
        IntStream.rangeClosed(1, 300)
            .mapToObj(
                i ->
                    new ExecutionUpdate(
                        "exec-" + (i * 31), ExecutionStatus.RUNNING, "test", "exit 2", null))
            .toList();

    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setDataSource(database);
      pool.setConnectionInitSql(coordinatorSetting("spring.datasource.hikari.connection-init-sql"));
      JdbcClient jdbc = JdbcClient.create(pool);
      TransactionTemplate transaction =
          new TransactionTemplate(new DataSourceTransactionManager(pool));

      List<Long> scans =
          transaction.execute(
              status -> {
                new JdbcExecutionStore(jdbc, json).updateExecutions(batch);
                return jdbc.sql(
                        """
                        SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables
                        WHERE relname = 'execution'""")
                    .query((rs, n) -> List.of(rs.getLong(1), rs.getLong(2)))
                    .single();
              });

      assertThat(scans.get(0)).as("sequential scans of the executions").isZero();
      assertThat(scans.get(1)).as("lookups through an index").isPositive();
      assertThat(row(setup, "exec-310"))
          .containsExactly("demo", "RUNNING", "test", "exit 2", "cmd-310");
    }
  }

  /** A property as the coordinator ships it (retry-coordinator.yml). */
  private static String coordinatorSetting(String name) {
    YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
    yaml.setResources(new ClassPathResource("retry-coordinator.yml"));
    return yaml.getObject().getProperty(name);
  }

  @Test
  void shouldReuseCachedPlansForTheWritesOnlyAndPlanWhatFollowsAfresh() {
    DriverManagerDataSource dataSource = database("plans", MigrationVersion.LATEST);
    JdbcClient jdbc = JdbcClient.create(dataSource);
    TransactionTemplate transaction =
        new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    List<String> modes = new ArrayList<>();

    transaction.executeWithoutResult(
        status -> {
          new JdbcStatementPlans(jdbc).withCachedPlans(() -> modes.add(planCacheMode(jdbc)));
          modes.add(planCacheMode(jdbc));
        });

    assertThat(modes).containsExactly("force_generic_plan", "force_custom_plan");
    assertThat(planCacheMode(jdbc)).as("after the transaction").isEqualTo("auto");
  }

  private static EventMeta meta(String executionId, String pipeline) {
    return new EventMeta(
        "event-" + executionId, executionId, pipeline, "runner", Instant.now(), null);
  }

  /** pipeline, status, current phase, last error, last retry command */
  private static List<String> row(JdbcClient jdbc, String executionId) {
    return jdbc.sql(
            """
            SELECT pipeline, status, current_phase, last_error, last_retry_command
            FROM execution WHERE execution_id = ?""")
        .param(executionId)
        .query(
            (rs, n) ->
                java.util.Arrays.asList(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5)))
        .single();
  }

  /** Rows of retries as sent are read in SentRetryMessagesTest and AttemptHandlingIT. */
  private JdbcExecutionQueries queries(JdbcClient jdbc) {
    return new JdbcExecutionQueries(
        jdbc, json, new SentRetryMessages(new InMemorySchemaRegistry()));
  }

  private static String planCacheMode(JdbcClient jdbc) {
    return jdbc.sql("SHOW plan_cache_mode").query(String.class).single();
  }

  private static void retryContext(JdbcClient jdbc, String command, String reason, String at) {
    jdbc.sql(
            """
            INSERT INTO retry_context (command_id, execution_id, phase, attempt_number, context,
              decision)
            VALUES (?, 'exec-1', 'build', 2, '{}', ?)""")
        .params(command, decision(reason, at))
        .update();
  }

  private static String decision(String reason, String at) {
    return "{\"phase\":\"build\",\"attemptNumber\":1,\"outcome\":\"RETRY\",\"reason\":\""
        + reason
        + "\",\"decidedAt\":\""
        + at
        + "\"}";
  }

  private static void attempt(JdbcClient jdbc, String execution, String phase, String at) {
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
              occurred_at)
            VALUES (?, ?, ?, 1, 'STARTED', ?::timestamptz)""")
        .params(execution + "-" + phase + "-" + at, execution, phase, at)
        .update();
  }

  private static AttemptReport.Failed failedReport(String attemptId, int number, Instant at) {
    return new AttemptReport.Failed(
        new EventMeta("evt-" + attemptId, "exec-1", "payments", "r", at, null),
        new Failure(
            attemptId,
            "build",
            number,
            FailureType.COMMAND_FAILED,
            false,
            "exit",
            "exit 1",
            1,
            List.of(),
            10,
            null,
            at,
            null,
            null),
        PolicyOverride.NONE,
        null,
        Map.of());
  }

  /** Records a FAILED attempt of the phase and counts it, as a batch of the attempts topic does. */
  private static FailureCount count(
      JdbcClient jdbc, JdbcAttemptLog attempts, PhaseKey phase, String attemptId, boolean counted) {
    return attempts
        .countFailures(List.of(failure(jdbc, phase, attemptId, counted)), true)
        .get(phase);
  }

  private static AttemptLog.PhaseFailure failure(
      JdbcClient jdbc, PhaseKey phase, String attemptId, boolean counted) {
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
              failure_type, hard, occurred_at)
            VALUES (?, ?, ?, 1, 'FAILED', 'COMMAND_FAILED', false, now())""")
        .params(attemptId, phase.executionId(), phase.phase())
        .update();
    return new AttemptLog.PhaseFailure(phase, attemptId, counted);
  }

  /** The phase's counter row: failed_attempts and failures; empty without one. */
  private static List<Integer> counterRow(JdbcClient jdbc, PhaseKey phase) {
    return jdbc.sql(
            """
            SELECT failed_attempts, failures FROM phase_counter
            WHERE execution_id = ? AND phase = ?""")
        .params(phase.executionId(), phase.phase())
        .query((rs, n) -> List.of(rs.getInt(1), rs.getInt(2)))
        .optional()
        .orElse(List.of());
  }

  private DriverManagerDataSource database(String name, MigrationVersion version) {
    return CoordinatorSchema.database(infrastructure, name, version);
  }
}
