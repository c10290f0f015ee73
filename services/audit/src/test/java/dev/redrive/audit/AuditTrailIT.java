package dev.redrive.audit;

import static dev.redrive.audit.Events.attemptFailed;
import static dev.redrive.audit.Events.attemptStarted;
import static dev.redrive.audit.Events.context;
import static dev.redrive.audit.Events.executionStarted;
import static dev.redrive.audit.Events.interventionRequired;
import static dev.redrive.audit.Events.retryCommand;
import static dev.redrive.audit.Events.retryScheduled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.audit.app.PurgeExpiredEvents;
import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.ProcessEvent;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import tools.jackson.databind.JsonNode;

/**
 * The audit on a real broker and a real PostgreSQL: every event once, in order of occurrence,
 * whatever the order and the number of times it arrives; search, the error report, and what a
 * poison record in a batch does.
 */
class AuditTrailIT {

  private static RunningAudit audit;

  @BeforeAll
  static void start() {
    audit = RunningAudit.start("trail", "--redrive.audit.command-topics=billing.commands");
  }

  @AfterAll
  static void stop() {
    audit.close();
  }

  @Test
  void recordsTheCommandsOfAnotherSystemOnItsOwnCommandTopic() {
    // given an execution of another system, whose retry commands go to its own topic
    String executionId = "order-" + UUID.randomUUID();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    // when the coordinator sends one there
    audit.sendTo(
        "billing.commands",
        retryCommand(
            executionId,
            "payments",
            "cmd-9",
            context(executionId, "charge", 2, "card declined; retry", List.of()),
            at));

    // then it is in the execution's trail, with the topic it was read from
    JsonNode command = audit.timeline(executionId, 1).get(0);
    assertThat(command.path("type").asString()).isEqualTo("RetryCommand");
    assertThat(command.path("topic").asString()).isEqualTo("billing.commands");
  }

  @Test
  void storesEachEventOnceInOrderOfOccurrenceWhateverTheArrival() {
    // given four events of one execution
    String executionId = "exec-" + UUID.randomUUID();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    ProcessEvent started = executionStarted(executionId, "demo", t0);
    AttemptEvent attempt = attemptStarted(executionId, "demo", "build", 1, null, t0.plusMillis(10));
    AttemptEvent failed =
        attemptFailed(
            executionId,
            "demo",
            "build",
            1,
            FailureType.COMMAND_FAILED,
            "boom",
            null,
            t0.plusMillis(20));
    DecisionEvent retry =
        retryScheduled(executionId, "cmd-1", "build", 2, null, false, t0.plusMillis(30));
    double storedBefore = audit.count("redrive.audit.events");
    double duplicatesBefore = audit.count("redrive.audit.duplicates");

    // when they arrive out of order, two of them twice, once within one batch
    audit.send(failed, started, failed);
    audit.send(retry);
    audit.send(attempt, started);

    // then each is stored once, and the timeline is in the order they occurred
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> audit.count("redrive.audit.duplicates") - duplicatesBefore == 2);
    List<JsonNode> timeline = audit.timeline(executionId);
    assertThat(timeline)
        .extracting(e -> e.path("eventId").asString())
        .containsExactly(
            started.getEventId(), attempt.getEventId(), failed.getEventId(), retry.getEventId());
    assertThat(timeline)
        .extracting(e -> e.path("type").asString())
        .containsExactly("ExecutionStarted", "AttemptStarted", "AttemptFailed", "RetryScheduled");
    assertThat(audit.count("redrive.audit.events") - storedBefore).isEqualTo(4);

    // and each entry says where it came from, what it is about, and why for a decision
    JsonNode failure = timeline.get(2);
    assertThat(failure.path("topic").asString()).isEqualTo("redrive.attempts");
    assertThat(failure.path("offset").isNumber()).isTrue();
    assertThat(failure.path("partition").isNumber()).isTrue();
    assertThat(failure.path("source").asString()).isEqualTo("phase-runner");
    assertThat(failure.path("occurredAt").asString()).isEqualTo(t0.plusMillis(20).toString());
    assertThat(failure.path("pipeline").asString()).isEqualTo("demo");
    assertThat(failure.path("failureType").asString()).isEqualTo("COMMAND_FAILED");
    assertThat(failure.path("payload").path("payload").path("errorMessage").asString())
        .isEqualTo("boom");
    assertThat(timeline.get(3).path("summary").asString())
        .contains("because \"SOFT failure COMMAND_FAILED: 1 failure counted, 2 attempts allowed\"")
        .contains("policy: max 2 attempts")
        .contains("automatic");

    // and the timeline pages
    assertThat(audit.json("/api/v1/executions/" + executionId + "/events?limit=2&offset=1"))
        .extracting(e -> e.path("eventId").asString())
        .containsExactly(attempt.getEventId(), failed.getEventId());
  }

  @Test
  void storesABatchAtOnce() {
    // given the listener is stopped while 40 events are published
    String executionId = "batch-" + UUID.randomUUID();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    AttemptEvent[] events = new AttemptEvent[40];
    for (int i = 0; i < events.length; i++) {
      events[i] = attemptStarted(executionId, "demo", "phase-" + i, 1, null, t0.plusMillis(i));
    }
    pausedWhile(() -> audit.send(events));

    // then they all arrive, in batches larger than one record
    assertThat(audit.timeline(executionId, 40)).hasSize(40);
    assertThat(
            audit
                .context
                .getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("redrive.audit.batch.size")
                .summary()
                .max())
        .isGreaterThan(1);
  }

  @Test
  void poisonRecordInABatchGoesToTheDeadLetterTopicAndTheRestOfTheBatchIsStored() throws Exception {
    // given a batch with a record that is not Avro on the topic the audit owns (decisions: it alone
    // reads them, so it dead-letters them) and one on the attempts topic, which the coordinator
    // owns and dead-letters (DeadLetterOwners: each bad record is dead-lettered once)
    String executionId = "poison-" + UUID.randomUUID();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    AttemptEvent[] before = {
      attemptStarted(executionId, "demo", "a", 1, null, t0),
      attemptStarted(executionId, "demo", "b", 1, null, t0.plusMillis(1))
    };
    AttemptEvent[] after = {
      attemptStarted(executionId, "demo", "c", 1, null, t0.plusMillis(2)),
      attemptStarted(executionId, "demo", "d", 1, null, t0.plusMillis(3))
    };
    byte[] poison = "{not avro}".getBytes(StandardCharsets.UTF_8);
    pausedWhile(
        () -> {
          audit.send(before);
          sendRaw(RedriveTopics.DECISIONS.name(), executionId, poison);
          sendRaw(RedriveTopics.ATTEMPTS.name(), executionId, poison);
          audit.send(after);
        });

    // then the poison record of its own topic is in the DLT with its bytes and the reason
    ConsumerRecord<String, byte[]> dead =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> firstWithKey(RedriveTopics.DECISIONS.deadLetterTopic(), executionId),
                r -> r != null);
    assertThat(dead.value()).isEqualTo(poison);
    assertThat(
            new String(
                dead.headers().lastHeader(RedriveHeaders.DLT_REASON).value(),
                StandardCharsets.UTF_8))
        .contains("not Confluent-framed Avro");

    // and every good record of the batch, before and after it, is stored
    assertThat(audit.timeline(executionId, 4))
        .extracting(e -> e.path("payload").path("payload").path("phase").asString())
        .containsExactly("a", "b", "c", "d");
    // and the one on the coordinator's topic is counted and left to the coordinator (the count is
    // taken instead of sending it, so it is not in the DLT)
    assertThat(
            audit
                .context
                .getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("redrive.dlt.deferred")
                .tags("topic", RedriveTopics.ATTEMPTS.name(), "group", "audit-events")
                .counter()
                .count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void eventWithoutAnEventIdGoesToTheDeadLetterTopicAndTheRestOfTheBatchIsStored() {
    // given a batch whose second record (on the decisions topic, which the audit owns) decodes but
    // has an empty event id
    String executionId = "invalid-" + UUID.randomUUID();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    DecisionEvent invalid =
        retryScheduled(executionId, "cmd-1", "b", 2, null, false, t0.plusMillis(1));
    invalid.setEventId("");
    pausedWhile(
        () ->
            audit.send(
                attemptStarted(executionId, "demo", "a", 1, null, t0),
                invalid,
                attemptStarted(executionId, "demo", "c", 1, null, t0.plusMillis(2))));

    // then it is in the DLT with the reason, and the others are stored
    ConsumerRecord<String, byte[]> dead =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> firstWithKey(RedriveTopics.DECISIONS.deadLetterTopic(), executionId),
                r -> r != null);
    assertThat(
            new String(
                dead.headers().lastHeader(RedriveHeaders.DLT_REASON).value(),
                StandardCharsets.UTF_8))
        .contains("eventId: empty");
    assertThat(dead.value()[0]).as("the record as it was: Confluent-framed Avro").isZero();
    assertThat(audit.timeline(executionId, 2))
        .extracting(e -> e.path("payload").path("payload").path("phase").asString())
        .containsExactly("a", "c");
  }

  @Test
  void searchesByTypePipelineFailureTypeAndTime() {
    // given two executions of two pipelines, in a time window of their own
    String payments = "payments-" + UUID.randomUUID();
    String reports = "reports-" + UUID.randomUUID();
    String first = "search-" + UUID.randomUUID();
    String second = "search-" + UUID.randomUUID();
    Instant t0 =
        Instant.parse("2021-03-04T05:00:00Z").plusSeconds(new java.util.Random().nextInt(86_000));
    AttemptEvent commandFailed =
        attemptFailed(
            first,
            payments,
            "charge",
            1,
            FailureType.COMMAND_FAILED,
            "exit 1",
            null,
            t0.plusSeconds(1));
    DecisionEvent retry =
        retryScheduled(first, "cmd-s", "charge", 2, null, false, t0.plusSeconds(2));
    AttemptEvent timedOut =
        attemptFailed(
            first, payments, "charge", 2, FailureType.TIMEOUT, "too slow", null, t0.plusSeconds(3));
    DecisionEvent intervention =
        interventionRequired(first, "charge", 2, FailureType.TIMEOUT, t0.plusSeconds(4));
    AttemptEvent otherPipeline =
        attemptFailed(
            second,
            reports,
            "render",
            1,
            FailureType.COMMAND_FAILED,
            "exit 2",
            null,
            t0.plusSeconds(5));
    audit.send(commandFailed, retry, timedOut, intervention, otherPipeline);
    audit.timeline(first, 4);
    audit.timeline(second, 1);

    // then a pipeline's events include its decisions, which do not name the pipeline
    assertThat(ids("/api/v1/events?pipeline=" + payments))
        .containsExactly(
            commandFailed.getEventId(),
            retry.getEventId(),
            timedOut.getEventId(),
            intervention.getEventId());
    assertThat(ids("/api/v1/events?pipeline=" + payments + "&type=AttemptFailed"))
        .containsExactly(commandFailed.getEventId(), timedOut.getEventId());
    assertThat(ids("/api/v1/events?pipeline=" + payments + "&failureType=TIMEOUT"))
        .containsExactly(timedOut.getEventId(), intervention.getEventId());
    assertThat(
            ids(
                "/api/v1/events?failureType=COMMAND_FAILED&from="
                    + t0
                    + "&to="
                    + t0.plusSeconds(60)))
        .containsExactly(commandFailed.getEventId(), otherPipeline.getEventId());
    // from is inclusive, to exclusive; several types
    assertThat(
            ids(
                "/api/v1/events?type=AttemptFailed&type=InterventionRequired&from="
                    + t0.plusSeconds(3)
                    + "&to="
                    + t0.plusSeconds(5)))
        .containsExactly(timedOut.getEventId(), intervention.getEventId());
    assertThat(ids("/api/v1/events?from=" + t0 + "&to=" + t0.plusSeconds(60) + "&limit=2&offset=1"))
        .containsExactly(retry.getEventId(), timedOut.getEventId());

    // and one event by its id
    JsonNode one = audit.json("/api/v1/events/" + intervention.getEventId());
    assertThat(one.path("type").asString()).isEqualTo("InterventionRequired");
    assertThat(one.path("failureType").asString()).isEqualTo("TIMEOUT");
    assertThat(one.path("summary").asString())
        .contains("attempts exhausted: 2 failures counted, 2 attempts allowed");
  }

  @Test
  void answersBadSearchesAndUnknownEventsWithProblems() {
    HttpResponse<String> badTime = audit.get("/api/v1/events?from=yesterday");
    assertThat(badTime.statusCode()).isEqualTo(400);
    assertThat(badTime.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));

    HttpResponse<String> backwards =
        audit.get("/api/v1/events?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z");
    assertThat(backwards.statusCode()).isEqualTo(400);
    assertThat(backwards.body()).contains("must be before");

    HttpResponse<String> unknown = audit.get("/api/v1/events/no-such-event");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("Event not found");
  }

  @Test
  void reportHasEveryFailedAttemptInOrderInTheReferenceFormat() {
    // given an execution whose first failure carried its error.log and whose second did not
    String executionId = "report-" + UUID.randomUUID();
    Instant t0 = Instant.parse("2026-01-29T10:30:00Z");
    String firstReport =
        """
        ============================================
        ERROR REPORT
        ============================================
        Timestamp: 2026-01-29T10:30:00Z
        Stage: code
        Attempt: 1/2
        Status: FAILED

        Error Type: COMMAND_FAILED (exit code 1)
        Error Message: Cannot find module '@prisma/client'

        Stack Trace:
          at Object.<anonymous> (src/lib/prisma.ts:1:1)

        Exit Criteria Failed:
          - [ ] unit-tests (FAILED)
          - [x] lint

        Failed Artifacts Moved To:
          artifacts/_failed/code/attempt-1/

        Recommended Action:
          1. Read the error message and the log excerpt (exit code 1) and fix the cause
          2. Retry code stage: redrive retry report-1 (add --reset-count for a fresh set of attempts)

        ============================================
        """;
    audit.send(
        executionStarted(executionId, "factory", t0),
        attemptFailed(
            executionId,
            "factory",
            "code",
            1,
            FailureType.COMMAND_FAILED,
            "Cannot find module '@prisma/client'",
            firstReport,
            t0.plusSeconds(1)),
        retryScheduled(executionId, "cmd-r", "code", 2, null, false, t0.plusSeconds(2)),
        attemptFailed(
            executionId,
            "factory",
            "code",
            2,
            FailureType.EXIT_CRITERIA_NOT_MET,
            "unit-tests failed",
            null,
            t0.plusSeconds(60)));
    audit.timeline(executionId, 4);

    // when the report is asked for
    HttpResponse<String> response = audit.get("/api/v1/executions/" + executionId + "/report");

    // then it is plain text: the first report as it was, then one written for the second
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    String report = response.body();
    assertThat(report).startsWith(firstReport);
    String second = report.substring(firstReport.length());
    assertThat(second)
        .startsWith("\n============================================\nERROR REPORT\n")
        .contains(
            "Timestamp: 2026-01-29T10:31:00Z\n",
            "Stage: code\n",
            "Attempt: 2/2\n",
            "Status: FAILED\n",
            "Error Type: EXIT_CRITERIA_NOT_MET (exit code 1)\n",
            "Error Message: unit-tests failed\n",
            "Stack Trace:\n  at build.sh:12\n",
            "Exit Criteria Failed:\n  - [ ] unit-tests (FAILED)\n  - [x] lint\n",
            "Failed Artifacts Moved To:\n  artifacts/_failed/code/attempt-2/\n",
            "Recommended Action:\n  1. Fix the failed checks: unit-tests\n",
            "  2. Retry code stage: redrive retry " + executionId + " (")
        .endsWith("============================================\n");
  }

  @Test
  void noReportForAnExecutionWithoutFailures() {
    String executionId = "fine-" + UUID.randomUUID();
    audit.send(executionStarted(executionId, "demo", Instant.now()));
    audit.timeline(executionId, 1);

    assertThat(audit.get("/api/v1/executions/" + executionId + "/report").statusCode())
        .isEqualTo(404);
    assertThat(audit.get("/api/v1/executions/never-seen/report").statusCode()).isEqualTo(404);
    assertThat(
            audit
                .get("/api/v1/executions/" + executionId + "/report", "Accept", "text/plain")
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void withoutRetentionNothingIsEverDeleted() {
    // given an event that occurred long ago, and no retention set
    String executionId = "old-" + UUID.randomUUID();
    audit.send(executionStarted(executionId, "demo", Instant.now().minus(Duration.ofDays(4000))));
    audit.timeline(executionId, 1);

    // when the purge runs, it deletes nothing
    assertThat(audit.context.getBean(PurgeExpiredEvents.class).purge()).isZero();
    assertThat(audit.timeline(executionId)).hasSize(1);
  }

  @Test
  void exportsItsMetrics() {
    String executionId = "metrics-" + UUID.randomUUID();
    audit.send(executionStarted(executionId, "demo", Instant.now()));
    audit.timeline(executionId, 1);

    String prometheus = audit.get("/actuator/prometheus").body();

    assertThat(prometheus)
        .contains(
            "redrive_audit_events_total{application=\"audit\",type=\"ExecutionStarted\"}",
            "redrive_audit_batch_size_count",
            "redrive_audit_stream_clients{application=\"audit\"}",
            "redrive_audit_retention_deleted_total{application=\"audit\"}");
  }

  private static List<String> ids(String path) {
    List<String> ids = new java.util.ArrayList<>();
    audit.json(path).forEach(e -> ids.add(e.path("eventId").asString()));
    return ids;
  }

  /** Runs the action while the audit's listener is paused, then resumes it. */
  @Test
  void theIndexMigrationSummarizesTheEventsStoredBeforeIt() {
    // given a database at the version before the index, with events of an original and of its
    // resubmission (one of them late: it occurred before the last one but was stored after it)
    String url = RunningAudit.INFRASTRUCTURE.createDatabase("audit_backfill");
    String user = RunningAudit.INFRASTRUCTURE.jdbcUser();
    String password = RunningAudit.INFRASTRUCTURE.jdbcPassword();
    FluentConfiguration flyway =
        Flyway.configure()
            .dataSource(url, user, password)
            .schemas("audit")
            .locations("classpath:db/audit", "classpath:db/redrive-support")
            .outOfOrder(true);
    flyway.target("1").load().migrate();
    JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, user, password));
    Instant t0 = Instant.parse("2026-11-23T15:41:51Z");
    stored(jdbc, "a", "ExecutionStarted", "demo", null, t0, "{}");
    stored(jdbc, "a", "AttemptStarted", "demo", null, t0.plusSeconds(1), "{\"phase\": \"build\"}");
    stored(
        jdbc,
        "a",
        "InterventionRequired",
        null,
        "TIMEOUT",
        t0.plusSeconds(3),
        "{\"phase\": \"build\"}");
    stored(
        jdbc, "a", "AttemptFailed", "demo", "TIMEOUT", t0.plusSeconds(2), "{\"phase\": \"build\"}");
    stored(
        jdbc,
        "a",
        "ExecutionResubmitted",
        null,
        null,
        t0.plusSeconds(4),
        "{\"newExecutionId\": \"b\"}");
    stored(
        jdbc,
        "b",
        "StartExecution",
        null,
        null,
        t0.plusSeconds(5),
        "{\"pipeline\": \"demo\", \"resubmitOf\": \"a\"}");

    // when the index's migration runs
    flyway.target("latest").load().migrate();

    // then each execution has its summary, by the same rules as the live index
    var rows =
        jdbc.sql(
                "SELECT execution_id, pipeline, status, phase, last_failure_type, attempts, events,"
                    + " last_event_type, original_execution_id,"
                    + " array_to_string(resubmissions, ',') AS links, resubmission_count"
                    + " FROM audit.audit_execution ORDER BY execution_id")
            .query()
            .listOfRows();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0))
        .containsEntry("pipeline", "demo")
        .containsEntry("status", "PAUSED")
        .containsEntry("phase", "build")
        .containsEntry("last_failure_type", "TIMEOUT")
        .containsEntry("attempts", 1)
        .containsEntry("events", 5)
        .containsEntry("last_event_type", "ExecutionResubmitted")
        .containsEntry("links", "b")
        .containsEntry("resubmission_count", 1);
    assertThat(rows.get(1))
        .containsEntry("status", "RUNNING")
        .containsEntry("original_execution_id", "a")
        .containsEntry("events", 1);
  }

  private static void stored(
      JdbcClient jdbc,
      String executionId,
      String type,
      String pipeline,
      String failureType,
      Instant at,
      String payload) {
    jdbc.sql(
            """
            INSERT INTO audit.audit_event (event_id, execution_id, event_type, topic,
              kafka_partition, kafka_offset, source, pipeline, failure_type, occurred_at, payload)
            VALUES (?, ?, ?, 'redrive.decisions', 0, 0, 'test', ?, ?, ?, ?::jsonb)""")
        .params(
            UUID.randomUUID().toString(),
            executionId,
            type,
            pipeline,
            failureType,
            at.atOffset(java.time.ZoneOffset.UTC),
            "{\"payload\": " + payload + "}")
        .update();
  }

  private static void pausedWhile(Runnable action) {
    MessageListenerContainer container =
        audit
            .context
            .getBean(KafkaListenerEndpointRegistry.class)
            .getListenerContainer("audit-events");
    container.pause();
    await().atMost(Duration.ofSeconds(30)).until(container::isContainerPaused);
    try {
      action.run();
    } finally {
      container.resume();
    }
  }

  private static void sendRaw(String topic, String key, byte[] value) {
    Properties properties = new Properties();
    properties.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        RunningAudit.INFRASTRUCTURE.kafkaBootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not publish to " + topic, e);
    }
  }

  private static ConsumerRecord<String, byte[]> firstWithKey(String topic, String key) {
    Properties properties = new Properties();
    properties.put(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        RunningAudit.INFRASTRUCTURE.kafkaBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "audit-it-reader-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      for (int i = 0; i < 10; i++) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
          if (key.equals(record.key())) {
            return record;
          }
        }
      }
      return null;
    }
  }
}
