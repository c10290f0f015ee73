package dev.redrive.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.RetryRequested;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.support.topic.Topic;
import dev.redrive.testkit.RedriveInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox on a real PostgreSQL and a real KRaft broker: events leave only after their
 * transaction commits, never before they are due, and several relays on one table send each row
 * once.
 */
class OutboxRelayIT {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final String TRANSACTIONAL_ID_PREFIX = "redrive-test-outbox-";
  private static String topic;

  /** The outbox's limit in these tests: the default of redrive.outbox.max-message-bytes. */
  private static final int MAX_MESSAGE_BYTES = 1_000_000;

  /** A topic whose records may not exceed {@link #SMALL_TOPIC_BYTES}: the broker refuses more. */
  private static final Topic SMALL_TOPIC = new Topic("outbox-it-small", RetryRequested.class);

  private static final int SMALL_TOPIC_BYTES = 20_000;

  private final List<OutboxRelay> relays = new ArrayList<>();
  private String registryUrl;
  private JdbcClient jdbc;
  private TransactionTemplate transaction;
  private Outbox outbox;
  private ParkedRows parkedRows;
  private DriverManagerDataSource dataSource;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void createTopic() throws Exception {
    topic = RedriveTopics.REQUESTS.name();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                infrastructure.kafkaBootstrapServers()))) {
      var existing = admin.listTopics().names().get();
      if (!existing.contains(topic)) {
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
      }
      if (!existing.contains(SMALL_TOPIC.name())) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(SMALL_TOPIC.name(), 1, (short) 1)
                        .configs(Map.of("max.message.bytes", Integer.toString(SMALL_TOPIC_BYTES)))))
            .all()
            .get();
      }
      if (!existing.contains(RelaySession.PROGRESS_TOPIC)) {
        admin.createTopics(List.of(OutboxRelay.progressTopic((short) 1))).all().get();
      }
    }
  }

  @BeforeEach
  void migrateAFreshDatabase() {
    String url = infrastructure.createDatabase("outbox");
    Flyway.configure()
        .dataSource(url, infrastructure.jdbcUser(), infrastructure.jdbcPassword())
        .locations("classpath:db/redrive-support", "classpath:db/outbox-parked")
        .load()
        .migrate();
    dataSource =
        new DriverManagerDataSource(url, infrastructure.jdbcUser(), infrastructure.jdbcPassword());
    jdbc = JdbcClient.create(dataSource);
    transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    registryUrl = "mock://outbox-" + UUID.randomUUID();
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", registryUrl), false);
    outbox =
        new Outbox(
            jdbc,
            serializer,
            Clock.systemUTC(),
            () -> relays.forEach(OutboxRelay::wakeUp),
            MAX_MESSAGE_BYTES,
            1);
    parkedRows = new ParkedRows(jdbc, () -> relays.forEach(OutboxRelay::wakeUp));
  }

  @AfterEach
  void stopRelays() {
    relays.forEach(OutboxRelay::stop);
  }

  @Test
  void shouldPublishACommittedEventWithItsHeadersAndDeleteTheRow() {
    startRelay();
    RetryRequested event = request("exec-" + UUID.randomUUID());

    transaction.executeWithoutResult(status -> outbox.publish(RedriveTopics.REQUESTS, event));

    ConsumerRecord<String, Object> record = readUntil(event.getExecutionId(), 1).get(0);
    assertThat(record.value()).isEqualTo(event);
    readFor(event.getExecutionId(), Duration.ofSeconds(1)); // the relay idles on an empty outbox
    assertThat(meters.counter("redrive.outbox.failures").count()).isZero();
    assertThat(header(record, RedriveHeaders.EVENT_TYPE)).isEqualTo("RetryRequested");
    assertThat(header(record, RedriveHeaders.EVENT_ID)).isEqualTo(event.getEventId());
    await().atMost(Duration.ofSeconds(5)).until(this::rowsLeft, n -> n == 0);
  }

  @Test
  void shouldNeverPublishAnEventWhoseTransactionRolledBack() {
    startRelay();
    String executionId = "exec-" + UUID.randomUUID();

    transaction.executeWithoutResult(
        status -> {
          outbox.publish(RedriveTopics.REQUESTS, request(executionId));
          status.setRollbackOnly();
        });
    transaction.executeWithoutResult(
        status -> outbox.publish(RedriveTopics.REQUESTS, request(executionId)));

    assertThat(readUntil(executionId, 1)).hasSize(1);
    assertThat(readFor(executionId, Duration.ofSeconds(2))).hasSize(1);
  }

  @Test
  void shouldNotPublishADelayedEventBeforeItIsDue() {
    startRelay();
    String executionId = "exec-" + UUID.randomUUID();
    Instant due = Instant.now().plusMillis(1500);

    transaction.executeWithoutResult(
        status -> outbox.schedule(RedriveTopics.REQUESTS, request(executionId), due));

    ConsumerRecord<String, Object> record = readUntil(executionId, 1).get(0);
    assertThat(Instant.ofEpochMilli(record.timestamp())).isAfterOrEqualTo(due);
  }

  @Test
  void shouldPackTheEventsOfATransactionIntoFewRowsAndSendThemInOrderEachWhenDue() {
    startRelay();
    String executionId = "exec-" + UUID.randomUUID();
    Instant later = Instant.now().plusMillis(1500);
    List<Outbox.Message> messages = new ArrayList<>();
    List<String> dueNow = new ArrayList<>();
    List<String> dueLater = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      RetryRequested event = request(executionId);
      boolean isLater = i % 3 == 0;
      messages.add(
          new Outbox.Message(RedriveTopics.REQUESTS, event, isLater ? later : Instant.now()));
      (isLater ? dueLater : dueNow).add(event.getNote());
    }

    transaction.executeWithoutResult(
        status -> {
          outbox.scheduleAll(messages);
          // seen from inside the transaction, before the relay can send any of it
          assertThat(rowsLeft()).isBetween(2, 100);
          assertThat(
                  jdbc.sql("SELECT sum(cardinality(topics)) FROM outbox")
                      .query(Integer.class)
                      .single())
              .isEqualTo(300);
          // each row's payloads are packed into one compressed value
          assertThat(
                  jdbc.sql(
                          "SELECT count(*) FROM outbox"
                              + " WHERE payloads IS NOT NULL OR packed_payloads IS NULL")
                      .query(Integer.class)
                      .single())
              .isZero();
        });
    List<ConsumerRecord<String, Object>> records = readUntil(executionId, 300);
    assertThat(readFor(executionId, Duration.ofSeconds(1))).hasSize(300);
    List<String> notes = records.stream().map(r -> ((RetryRequested) r.value()).getNote()).toList();
    assertThat(notes.subList(0, 200)).containsExactlyElementsOf(dueNow);
    assertThat(notes.subList(200, 300)).containsExactlyElementsOf(dueLater);
    assertThat(records.subList(200, 300))
        .allSatisfy(r -> assertThat(Instant.ofEpochMilli(r.timestamp())).isAfterOrEqualTo(later));
    await().atMost(Duration.ofSeconds(5)).until(this::rowsLeft, n -> n == 0);
    assertThat(meters.counter("redrive.outbox.published", "topic", topic).count()).isEqualTo(300);
  }

  @Test
  void shouldFitMoreEventsInARowOnceTheirPayloadsPackSmallAndSplitRowsOfPayloadsThatDoNot() {
    String executionId = "exec-" + UUID.randomUUID();
    Random random = new Random(7);
    List<String> sent = new ArrayList<>();
    List<Integer> rows = new ArrayList<>();
    // twice alike (the second cut knows how they pack), then payloads that do not compress
    for (boolean compressible : List.of(true, true, false)) {
      List<Outbox.Message> messages = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        RetryRequested event = request(executionId);
        StringBuilder note = new StringBuilder(event.getNote()).append(' ');
        for (int c = 0; c < 600; c++) {
          note.append(compressible ? 'z' : (char) (0x4e00 + random.nextInt(0x5000)));
        }
        event.setNote(note.toString());
        messages.add(new Outbox.Message(RedriveTopics.REQUESTS, event, Instant.now()));
        sent.add(event.getNote());
      }
      transaction.executeWithoutResult(
          status -> {
            int before = rowsLeft();
            outbox.scheduleAll(messages);
            rows.add(rowsLeft() - before);
            // stored in their pages: no row past ROW_BYTES, with its other columns
            assertThat(
                    jdbc.sql("SELECT max(pg_column_size(o.*)) FROM outbox o")
                        .query(Integer.class)
                        .single())
                .isLessThan(8_160);
          });
    }

    assertThat(rows.get(1)).isLessThan(rows.get(0) / 2);
    // 200 messages of about 1,800 bytes each that do not compress: at least 52 rows
    assertThat(rows.get(2)).isGreaterThanOrEqualTo(200 * 1_800 / OutboxRows.ROW_BYTES);
    startRelay();
    List<ConsumerRecord<String, Object>> records = readUntil(executionId, 600);
    assertThat(records.stream().map(r -> ((RetryRequested) r.value()).getNote()))
        .containsExactlyElementsOf(sent);
  }

  @Test
  void shouldRefuseToWriteOutsideATransaction() {
    assertThatThrownBy(() -> outbox.publish(RedriveTopics.REQUESTS, request("exec-x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inside the transaction");
  }

  @Test
  void shouldSendEachRowOnceAndInOrderWhenSeveralRelaysShareTheTable() {
    startRelay();
    startRelay();
    startRelay();
    String executionId = "exec-" + UUID.randomUUID();
    int events = 600;

    for (int batch = 0; batch < events / 100; batch++) {
      transaction.executeWithoutResult(
          status -> {
            for (int i = 0; i < 100; i++) {
              outbox.publish(RedriveTopics.REQUESTS, request(executionId));
            }
          });
    }

    List<ConsumerRecord<String, Object>> records = readUntil(executionId, events);
    assertThat(readFor(executionId, Duration.ofSeconds(2))).hasSize(events);
    assertThat(records.stream().map(r -> ((RetryRequested) r.value()).getEventId()).distinct())
        .hasSize(events);
    assertThat(records).extracting(r -> ((RetryRequested) r.value()).getNote()).isSorted();
    assertThat(relays.stream().filter(OutboxRelay::isRunning)).hasSize(3);
  }

  @Test
  void shouldNotSendAgainABatchThatWasCommittedToKafkaBeforeACrash() {
    String executionId = "exec-" + UUID.randomUUID();
    publishInOneTransaction(executionId, 20);
    try (RelaySession crashed = openSession()) {
      List<RelaySession.OutboxRow> due = crashed.dueRows();
      crashed.send(due, RelaySession.rowIds(due));
      // the process dies here: the rows are on the topic but still in the table
    }
    assertThat(rowsLeft()).isEqualTo(20);

    startRelay();

    await().atMost(Duration.ofSeconds(15)).until(this::rowsLeft, n -> n == 0);
    assertThat(readFor(executionId, Duration.ofSeconds(2))).hasSize(20);
  }

  @Test
  void shouldSendABatchWhoseTransactionWasNotCommittedBeforeACrash() throws Exception {
    String executionId = "exec-" + UUID.randomUUID();
    publishInOneTransaction(executionId, 20);
    String relayId;
    try (RelaySession crashed = openSession()) {
      relayId = crashed.relayId();
    }
    // the crashed relay's transaction got as far as sending the rows, without committing
    try (KafkaProducer<String, byte[]> zombie = zombieProducer(relayId)) {
      zombie.initTransactions();
      zombie.beginTransaction();
      for (RelaySession.OutboxRow message : storedMessages()) {
        zombie.send(new ProducerRecord<>(topic, executionId, message.payload())).get();
      }

      startRelay();

      await().atMost(Duration.ofSeconds(15)).until(this::rowsLeft, n -> n == 0);
      assertThat(readFor(executionId, Duration.ofSeconds(2)))
          .hasSize(20)
          .extracting(r -> ((RetryRequested) r.value()).getNote())
          .isSorted();
    }
  }

  @Test
  void shouldLetAWaitingRelayTakeOverWhenThePublishingOneStops() {
    OutboxRelay first = startRelay();
    OutboxRelay second = startRelay();
    String executionId = "exec-" + UUID.randomUUID();
    publishInOneTransaction(executionId, 5);
    readUntil(executionId, 5);

    OutboxRelay publishing = first.isPublishing() ? first : second;
    publishing.stop();
    relays.remove(publishing);
    publishInOneTransaction(executionId, 5);

    assertThat(readUntil(executionId, 10)).hasSize(10);
    await().atMost(Duration.ofSeconds(5)).until(this::rowsLeft, n -> n == 0);
  }

  @Test
  void shouldRefuseAnEventTooLargeForKafkaAndRollTheTransactionBack() {
    String executionId = "exec-" + UUID.randomUUID();
    RetryRequested small = request(executionId);
    RetryRequested large = request(executionId);
    large.setNote("x".repeat(1_200_000));

    assertThatThrownBy(
            () ->
                transaction.executeWithoutResult(
                    status -> {
                      outbox.publish(RedriveTopics.REQUESTS, small);
                      outbox.publish(RedriveTopics.REQUESTS, large);
                    }))
        .isInstanceOf(OutboxMessageTooLargeException.class)
        .hasMessageContaining("RetryRequested of execution " + executionId)
        .hasMessageContaining("1,000,000 bytes")
        .hasMessageContaining("redrive.outbox.max-message-bytes")
        .satisfies(
            e -> {
              OutboxMessageTooLargeException tooLarge = (OutboxMessageTooLargeException) e;
              assertThat(tooLarge.bytes()).isGreaterThan(1_200_000);
              assertThat(tooLarge.limit()).isEqualTo(MAX_MESSAGE_BYTES);
            });
    assertThat(rowsLeft()).isZero();
  }

  @Test
  void shouldAcceptAnEventJustUnderTheLimitAndPackLargeOnesAlone() {
    startRelay();
    String executionId = "exec-" + UUID.randomUUID();
    RetryRequested large = request(executionId);
    large.setNote("y".repeat(900_000));

    transaction.executeWithoutResult(
        status -> {
          outbox.publish(RedriveTopics.REQUESTS, request(executionId));
          outbox.publish(RedriveTopics.REQUESTS, large);
          outbox.publish(RedriveTopics.REQUESTS, request(executionId));
          assertThat(rowsLeft()).isEqualTo(3);
        });

    List<ConsumerRecord<String, Object>> records = readUntil(executionId, 3);
    assertThat(((RetryRequested) records.get(1).value()).getNote()).hasSize(900_000);
    assertThat(parkedRows.count()).isZero();
  }

  @Test
  void shouldParkARowTheBrokerRefusesHoldItsExecutionsLaterRowsAndPublishTheOthers() {
    startRelay();
    String before = "exec-" + UUID.randomUUID();
    String jammed = "exec-" + UUID.randomUUID();
    String after = "exec-" + UUID.randomUUID();
    RetryRequested tooLargeForTheTopic = request(jammed);
    tooLargeForTheTopic.setNote(incompressible(SMALL_TOPIC_BYTES * 2));
    RetryRequested heldBehind = request(jammed);

    transaction.executeWithoutResult(
        status -> outbox.publish(RedriveTopics.REQUESTS, request(before)));
    transaction.executeWithoutResult(status -> outbox.publish(SMALL_TOPIC, tooLargeForTheTopic));
    transaction.executeWithoutResult(status -> outbox.publish(RedriveTopics.REQUESTS, heldBehind));
    transaction.executeWithoutResult(
        status -> outbox.publish(RedriveTopics.REQUESTS, request(after)));

    // the rows before and after the one the broker refuses both arrive
    assertThat(readUntil(before, 1)).hasSize(1);
    assertThat(readUntil(after, 1)).hasSize(1);
    await().atMost(Duration.ofSeconds(15)).until(() -> parkedRows.count() == 2);
    assertThat(readFor(jammed, Duration.ofSeconds(1))).isEmpty();
    List<ParkedRows.ParkedRow> parked = parkedRows.list(10);
    ParkedRows.ParkedRow culprit = parked.get(0);
    assertThat(culprit.eventIds()).containsExactly(tooLargeForTheTopic.getEventId());
    assertThat(culprit.topics()).containsExactly(SMALL_TOPIC.name());
    assertThat(culprit.keys()).containsExactly(jammed);
    assertThat(culprit.cause()).contains("RecordTooLargeException");
    assertThat(culprit.attempts()).isEqualTo(2);
    assertThat(culprit.heldBehind()).isNull();
    assertThat(culprit.payloadBytes().get(0)).isGreaterThan(SMALL_TOPIC_BYTES);
    ParkedRows.ParkedRow held = parked.get(1);
    assertThat(held.eventIds()).containsExactly(heldBehind.getEventId());
    assertThat(held.heldBehind()).isEqualTo(culprit.id());
    assertThat(held.attempts()).isZero();
    assertThat(meters.counter("redrive.outbox.parkings").count()).isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(meters.get("redrive.outbox.parked").gauge().value()).isEqualTo(2);
              assertThat(meters.get("redrive.outbox.backlog").gauge().value()).isZero();
            });
    assertThat(rowsLeft()).isZero();
  }

  @Test
  void shouldSendTheRowsWrittenBeforePackedPayloadsFromTheirArrays() {
    String executionId = "exec-" + UUID.randomUUID();
    publishInOneTransaction(executionId, 5);
    // as the outbox wrote rows before V0_8: one payload per element of the payloads array
    for (RelaySession.OutboxRow message : storedMessages()) {
      jdbc.sql("UPDATE outbox SET payloads = ARRAY[?], packed_payloads = NULL WHERE id = ?")
          .param(message.payload())
          .param(message.id())
          .update();
    }
    assertThat(
            jdbc.sql("SELECT count(*) FROM outbox WHERE payloads IS NULL")
                .query(Long.class)
                .single())
        .isZero();

    startRelay();

    assertThat(readUntil(executionId, 5))
        .extracting(r -> ((RetryRequested) r.value()).getNote())
        .isSorted()
        .hasSize(5);
    await().atMost(Duration.ofSeconds(15)).until(this::rowsLeft, n -> n == 0);
  }

  @Test
  void shouldParkARowWhosePackedPayloadsCannotBeReadAndSendTheOthers() {
    String damaged = "exec-" + UUID.randomUUID();
    String other = "exec-" + UUID.randomUUID();
    RetryRequested lost = request(damaged);
    transaction.executeWithoutResult(status -> outbox.publish(RedriveTopics.REQUESTS, lost));
    transaction.executeWithoutResult(
        status -> outbox.publish(RedriveTopics.REQUESTS, request(other)));
    // a value no version of OutboxPayloads wrote
    jdbc.sql("UPDATE outbox SET packed_payloads = '\\x09000000ff00' WHERE ? = ANY(message_keys)")
        .param(damaged)
        .update();

    startRelay();

    assertThat(readUntil(other, 1)).hasSize(1);
    await().atMost(Duration.ofSeconds(15)).until(() -> parkedRows.count() == 1);
    ParkedRows.ParkedRow parked = parkedRows.list(10).get(0);
    assertThat(parked.eventIds()).containsExactly(lost.getEventId());
    assertThat(parked.cause()).contains("cannot be read from the row's packed payloads");
    assertThat(parked.payloadBytes()).containsExactly((Integer) null);
    assertThat(readFor(damaged, Duration.ofSeconds(1))).isEmpty();
    assertThat(rowsLeft()).isZero();
  }

  @Test
  void shouldSendAParkedRowAndTheRowsHeldBehindItAgainInTheirOrderWhenRequeued() throws Exception {
    startRelay();
    String jammed = "exec-" + UUID.randomUUID();
    RetryRequested tooLargeForTheTopic = request(jammed);
    tooLargeForTheTopic.setNote(incompressible(SMALL_TOPIC_BYTES * 2));
    transaction.executeWithoutResult(status -> outbox.publish(SMALL_TOPIC, tooLargeForTheTopic));
    transaction.executeWithoutResult(
        status -> outbox.publish(RedriveTopics.REQUESTS, request(jammed)));
    await().atMost(Duration.ofSeconds(15)).until(() -> parkedRows.count() == 2);
    long culprit = parkedRows.list(1).get(0).id();

    setSmallTopicLimit(1_000_000);
    try {
      List<Long> requeued = parkedRows.requeue(culprit);

      assertThat(requeued).hasSize(2).startsWith(culprit).isSorted();
      assertThat(readUntil(jammed, 1)).hasSize(1); // the held row, on REQUESTS
      assertThat(readUntil(SMALL_TOPIC.name(), jammed, 1).get(0).value())
          .isEqualTo(tooLargeForTheTopic);
      await().atMost(Duration.ofSeconds(10)).until(() -> parkedRows.count() == 0);
      assertThatThrownBy(() -> parkedRows.requeue(culprit))
          .isInstanceOf(ParkedRows.UnknownParkedRowException.class)
          .hasMessageContaining("no outbox row " + culprit + " is parked");
    } finally {
      setSmallTopicLimit(SMALL_TOPIC_BYTES);
    }
  }

  @Test
  void shouldHoldTheRowsOfAHeldScopeAndTheLaterRowsOfTheirKeyUntilReleasedThenSendThemInOrder() {
    startRelay();
    OutboxHolds holds = new OutboxHolds(jdbc, () -> relays.forEach(OutboxRelay::wakeUp));
    assertThat(holds.hold("pipeline=demo", "database migration", "alice")).isTrue();
    assertThat(holds.hold("pipeline=demo", "again", "bob")).isFalse();
    String held = "exec-" + UUID.randomUUID();
    String free = "exec-" + UUID.randomUUID();
    List<String> order = new ArrayList<>();
    transaction.executeWithoutResult(
        status -> {
          List<Outbox.Message> messages = new ArrayList<>();
          for (List<String> scopes :
              List.of(
                  List.<String>of(),
                  List.of("all", "pipeline=demo"),
                  List.of("all", "pipeline=demo"),
                  List.<String>of())) {
            RetryRequested event = request(held);
            order.add(event.getNote());
            messages.add(new Outbox.Message(RedriveTopics.REQUESTS, event, Instant.now(), scopes));
          }
          messages.add(
              new Outbox.Message(
                  RedriveTopics.REQUESTS, request(free), Instant.now(), List.of("pipeline=other")));
          outbox.scheduleAll(messages);
        });

    assertThat(readUntil(free, 1)).hasSize(1);
    // the first message was not held; the two held ones and the one behind them wait
    assertThat(readFor(held, Duration.ofSeconds(2)))
        .extracting(r -> ((RetryRequested) r.value()).getNote())
        .containsExactly(order.get(0));
    assertThat(holds.holds())
        .singleElement()
        .satisfies(
            hold -> {
              assertThat(hold.reason()).isEqualTo("database migration");
              assertThat(hold.requestedBy()).isEqualTo("alice");
              assertThat(hold.heldMessages()).isEqualTo(2);
            });

    // no transaction around the release: it is atomic by itself, or the relay could send the rows
    // between the end of the hold and the new due times
    assertThat(holds.release("pipeline=demo", Duration.ofMillis(800))).contains(2L);
    assertThat(holds.release("pipeline=demo", Duration.ZERO)).isEmpty();

    assertThat(readUntil(held, 4))
        .extracting(r -> ((RetryRequested) r.value()).getNote())
        .containsExactlyElementsOf(order);
    assertThat(holds.holds()).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(this::rowsLeft, n -> n == 0);
  }

  @Test
  void shouldSpreadTheReleasedRowsByTheStaggerAndLeaveThoseAnotherHoldStillHolds() {
    startRelay();
    OutboxHolds holds = new OutboxHolds(jdbc, () -> relays.forEach(OutboxRelay::wakeUp));
    holds.hold("all", "incident", null);
    holds.hold("pipeline=other", "its database is away", "bob");
    String executionId = "exec-" + UUID.randomUUID();
    String other = "exec-" + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      transaction.executeWithoutResult(
          status ->
              outbox.scheduleAll(
                  List.of(
                      new Outbox.Message(
                          RedriveTopics.REQUESTS,
                          request(executionId),
                          Instant.now(),
                          List.of("all", "pipeline=demo")),
                      new Outbox.Message(
                          RedriveTopics.REQUESTS,
                          request(other),
                          Instant.now(),
                          List.of("all", "pipeline=other")))));
    }
    assertThat(readFor(executionId, Duration.ofSeconds(1))).isEmpty();

    Instant released = Instant.now();
    assertThat(holds.release("all", Duration.ofMillis(700))).contains(3L);

    List<ConsumerRecord<String, Object>> records = readUntil(executionId, 3);
    assertThat(Instant.ofEpochMilli(records.get(1).timestamp()))
        .isAfterOrEqualTo(released.plusMillis(700 - 5));
    assertThat(Instant.ofEpochMilli(records.get(2).timestamp()))
        .isAfterOrEqualTo(released.plusMillis(1400 - 5));
    assertThat(readFor(other, Duration.ofSeconds(1))).isEmpty();
    assertThat(holds.holds()).extracting(OutboxHolds.Hold::heldMessages).containsExactly(3L);
  }

  @Test
  void shouldHoldOneKeysMessagesOutOfARowItSharesWithOthers() {
    startRelay();
    OutboxHolds holds = new OutboxHolds(jdbc, () -> relays.forEach(OutboxRelay::wakeUp));
    String paused = "exec-" + UUID.randomUUID();
    String other = "exec-" + UUID.randomUUID();
    Instant due = Instant.now().plusMillis(1500);
    transaction.executeWithoutResult(
        status ->
            outbox.scheduleAll(
                List.of(
                    new Outbox.Message(
                        RedriveTopics.REQUESTS, request(paused), due, List.of("all")),
                    new Outbox.Message(RedriveTopics.REQUESTS, request(other), due, List.of("all")),
                    new Outbox.Message(
                        RedriveTopics.REQUESTS, request(paused), due, List.of("all")))));
    assertThat(rowsLeft()).isEqualTo(1);

    transaction.executeWithoutResult(
        status -> {
          holds.hold("key=" + paused, "look at it first", "alice");
          assertThat(holds.isolate(paused, "key=" + paused)).isEqualTo(2);
        });

    assertThat(rowsLeft()).isEqualTo(2);
    assertThat(readUntil(other, 1)).hasSize(1);
    assertThat(readFor(paused, Duration.ofSeconds(2))).isEmpty();
    assertThat(holds.release("key=" + paused, Duration.ZERO)).contains(2L);
    assertThat(readUntil(paused, 2)).hasSize(2);
  }

  @Test
  void shouldShowAStuckRelayInTheBacklogGauges() {
    String executionId = "exec-" + UUID.randomUUID();
    publishInOneTransaction(executionId, 3);
    // a relay that cannot reach any broker keeps failing
    OutboxRelay stuck =
        new OutboxRelay(
            dataSource,
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"),
            new OutboxSettings(
                Duration.ofMillis(200),
                50,
                Duration.ofMillis(500),
                Duration.ofMillis(200),
                TRANSACTIONAL_ID_PREFIX,
                1),
            meters);
    stuck.start();
    relays.add(stuck);

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(meters.get("redrive.outbox.backlog").gauge().value()).isEqualTo(3);
              assertThat(meters.get("redrive.outbox.oldest.age").gauge().value()).isGreaterThan(0);
              assertThat(meters.counter("redrive.outbox.failures").count()).isPositive();
            });
  }

  private void setSmallTopicLimit(int bytes) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                infrastructure.kafkaBootstrapServers()))) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, SMALL_TOPIC.name());
      admin
          .incrementalAlterConfigs(
              Map.of(
                  resource,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("max.message.bytes", Integer.toString(bytes)),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get();
    }
  }

  @Test
  void shouldRecordAnEventIdOnlyOnce() {
    ProcessedEvents processed = new ProcessedEvents(jdbc);
    String eventId = UUID.randomUUID().toString();

    Boolean first = transaction.execute(status -> processed.firstDelivery(eventId));
    Boolean again = transaction.execute(status -> processed.firstDelivery(eventId));

    assertThat(first).isTrue();
    assertThat(again).isFalse();
  }

  private OutboxRelay startRelay() {
    OutboxRelay relay = new OutboxRelay(dataSource, kafkaConfig(), settings(), meters);
    relay.start();
    relays.add(relay);
    return relay;
  }

  private RelaySession openSession() {
    RelaySession session = RelaySession.open(dataSource, kafkaConfig(), settings(), 0);
    assertThat(session).as("no other relay holds the table").isNotNull();
    return session;
  }

  private static Map<String, Object> kafkaConfig() {
    return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
  }

  private static OutboxSettings settings() {
    return new OutboxSettings(
        Duration.ofMillis(200),
        50,
        Duration.ofSeconds(10),
        Duration.ofMillis(500),
        TRANSACTIONAL_ID_PREFIX,
        1);
  }

  private static KafkaProducer<String, byte[]> zombieProducer(String relayId) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            infrastructure.kafkaBootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            TRANSACTIONAL_ID_PREFIX + relayId),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** The messages waiting in the outbox, in the order the relay sends them. */
  private List<RelaySession.OutboxRow> storedMessages() {
    List<RelaySession.OutboxRow> messages = new ArrayList<>();
    jdbc.sql("SELECT " + OutboxPayloads.COLUMNS + " FROM outbox ORDER BY id")
        .query((rs, n) -> OutboxPayloads.messagesOf(rs))
        .list()
        .forEach(messages::addAll);
    return messages;
  }

  private void publishInOneTransaction(String executionId, int events) {
    transaction.executeWithoutResult(
        status -> {
          for (int i = 0; i < events; i++) {
            outbox.publish(RedriveTopics.REQUESTS, request(executionId));
          }
        });
  }

  private int rowsLeft() {
    return jdbc.sql("SELECT count(*) FROM outbox").query(Integer.class).single();
  }

  /** A request whose note is a sequence number, so tests can check the order on the topic. */
  private static RetryRequested request(String executionId) {
    return RetryRequested.newBuilder()
        .setNote(String.format("%09d", SEQUENCE.incrementAndGet()))
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource("outbox-it")
        .setRequestId(UUID.randomUUID().toString())
        .setRequestedBy("test")
        .build();
  }

  private List<ConsumerRecord<String, Object>> readUntil(String key, int count) {
    return readUntil(topic, key, count);
  }

  private List<ConsumerRecord<String, Object>> readUntil(String from, String key, int count) {
    List<ConsumerRecord<String, Object>> found = new ArrayList<>();
    try (KafkaConsumer<String, Object> consumer = consumer(from)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keep(r, key, found));
                return found.size() >= count;
              });
    }
    return found;
  }

  private List<ConsumerRecord<String, Object>> readFor(String key, Duration duration) {
    List<ConsumerRecord<String, Object>> found = new ArrayList<>();
    try (KafkaConsumer<String, Object> consumer = consumer(topic)) {
      long end = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> keep(r, key, found));
      }
    }
    return found;
  }

  private static void keep(
      ConsumerRecord<String, Object> record,
      String key,
      List<ConsumerRecord<String, Object>> into) {
    if (key.equals(record.key())) {
      into.add(record);
    }
  }

  private KafkaConsumer<String, Object> consumer(String from) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "outbox-it-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer();
    deserializer.configure(
        Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    KafkaConsumer<String, Object> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), deserializer);
    consumer.subscribe(List.of(from));
    return consumer;
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  /**
   * Random letters: the relay compresses its batches (LZ4), so a note that must stay too large for
   * the small topic cannot be one letter repeated.
   */
  private static String incompressible(int length) {
    Random random = new Random(length);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }
}
