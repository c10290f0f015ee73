package dev.redrive.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.RetryRequested;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.testkit.RedriveInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Several relays publish one outbox table in shards: they split the shards, each execution's events
 * arrive once and in order, a dead relay's shards are taken over, and a shard count that does not
 * fit stops start-up.
 */
class ShardedOutboxRelayIT {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final int SHARDS = 4;

  private final List<OutboxRelay> relays = new ArrayList<>();
  private String url;
  private String registryUrl;
  private JdbcClient jdbc;
  private TransactionTemplate transaction;
  private Outbox outbox;

  @BeforeAll
  static void createTopics() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                infrastructure.kafkaBootstrapServers()))) {
      var existing = admin.listTopics().names().get();
      if (!existing.contains(RedriveTopics.REQUESTS.name())) {
        admin
            .createTopics(List.of(new NewTopic(RedriveTopics.REQUESTS.name(), 3, (short) 1)))
            .all()
            .get();
      }
      if (!existing.contains(RelaySession.PROGRESS_TOPIC)) {
        admin.createTopics(List.of(OutboxRelay.progressTopic((short) 1))).all().get();
      }
    }
  }

  @BeforeEach
  void migrateAFreshDatabaseInFourShards() {
    url = infrastructure.createDatabase("sharded");
    Flyway.configure()
        .dataSource(url, infrastructure.jdbcUser(), infrastructure.jdbcPassword())
        .locations("classpath:db/redrive-support", "classpath:db/outbox-parked")
        .load()
        .migrate();
    DriverManagerDataSource dataSource = dataSource();
    jdbc = JdbcClient.create(dataSource);
    transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    registryUrl = "mock://sharded-" + UUID.randomUUID();
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", registryUrl), false);
    int shards = OutboxShards.settle(jdbc, SHARDS);
    outbox =
        new Outbox(
            jdbc,
            serializer,
            Clock.systemUTC(),
            () -> relays.forEach(OutboxRelay::wakeUp),
            1_000_000,
            shards);
  }

  @AfterEach
  void stopRelays() {
    relays.forEach(OutboxRelay::stop);
  }

  @Test
  void shouldSplitTheShardsBetweenTwoRelaysAndSendEachEventOnceInItsExecutionsOrder() {
    OutboxRelay first = startRelay(dataSource(), SHARDS);
    OutboxRelay second = startRelay(dataSource(), SHARDS);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> first.publishingShards().size() == 2 && second.publishingShards().size() == 2);

    List<String> executions = executions(24);
    writeRounds(executions, 10);

    Map<String, List<String>> received = readUntil(executions, 240);
    assertEachOnceInOrder(received, 10);
    assertThat(first.publishingShards()).doesNotContainAnyElementsOf(second.publishingShards());
    assertThat(rowsLeft()).isZero();
  }

  @Test
  void shouldHandTheShardsOfARelayWhoseProcessDiedToTheOtherMidStream() throws Exception {
    AtomicBoolean dead = new AtomicBoolean();
    OutboxRelay dying = startRelay(dyingDataSource(dead), SHARDS);
    OutboxRelay surviving = startRelay(dataSource(), SHARDS);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> dying.publishingShards().size() == 2 && surviving.isPublishing());
    List<String> executions = executions(16);
    writeRounds(executions, 5);

    // the process dies: its connections end and it never connects again (its producers stay open
    // until the surviving relay's sessions fence them)
    dead.set(true);
    jdbc.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE application_name = 'dying-relay'")
        .query(Boolean.class)
        .list();
    writeRounds(executions, 5);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> surviving.publishingShards().size() == SHARDS);
    assertEachOnceInOrder(readUntil(executions, 160), 10);
    await().atMost(Duration.ofSeconds(5)).until(() -> rowsLeft() == 0);
    relays.remove(dying);
    dying.stop();
  }

  @Test
  void shouldStopStartUpNamingThePropertyWhenTheShardCountDiffersFromARunningRelays() {
    startRelay(dataSource(), SHARDS);
    OutboxRelay other = relay(dataSource(), 2);

    assertThatThrownBy(other::start)
        .hasMessageContaining("redrive.outbox.shards is 2")
        .hasMessageContaining("published in 4 shards by 1 running instance");
  }

  @Test
  void shouldMoveWaitingRowsToTheirNewShardsUnlessARowHoldsExecutionsTheNewCountWouldSplit() {
    List<String> executions = executions(40);
    writeRounds(executions, 1);
    assertThat(
            jdbc.sql("SELECT max(cardinality(message_keys)) FROM outbox")
                .query(Integer.class)
                .single())
        .isGreaterThan(1);
    for (int round = 0; round < 2; round++) {
      // one execution per transaction: rows of one key, which any count can move
      transaction.executeWithoutResult(
          status -> outbox.publish(RedriveTopics.REQUESTS, request(executions.get(0))));
    }
    assertThatThrownBy(() -> OutboxShards.settle(jdbc, 3))
        .hasMessageContaining("redrive.outbox.shards is 3")
        .hasMessageContaining("hold executions that 3 shards would split");
    jdbc.sql("DELETE FROM outbox WHERE NOT message_keys <@ ARRAY[?]::text[]")
        .param(executions.get(0))
        .update();

    assertThat(OutboxShards.settle(jdbc, 3)).isEqualTo(3);

    assertThat(jdbc.sql("SELECT shards FROM outbox_relay").query(Integer.class).single())
        .isEqualTo(3);
    assertThat(jdbc.sql("SELECT shard FROM outbox").query(Integer.class).list())
        .containsOnly(OutboxShards.of(executions.get(0), 3));
    for (String key : executions(200)) {
      assertThat(jdbc.sql("SELECT outbox_shard(?, 7)").param(key).query(Integer.class).single())
          .as("SQL and Java agree on %s", key)
          .isEqualTo(OutboxShards.of(key, 7));
    }
  }

  /**
   * Each round writes one event of every execution with one statement, as the coordinator writes a
   * batch's decisions: a row holds the events of every execution of its shard.
   */
  private void writeRounds(List<String> executions, int rounds) {
    for (int round = 0; round < rounds; round++) {
      Instant now = Instant.now();
      List<Outbox.Message> messages =
          executions.stream()
              .map(e -> new Outbox.Message(RedriveTopics.REQUESTS, request(e), now))
              .toList();
      transaction.executeWithoutResult(status -> outbox.scheduleAll(messages));
    }
  }

  private static void assertEachOnceInOrder(Map<String, List<String>> received, int each) {
    assertThat(received.values())
        .allSatisfy(notes -> assertThat(notes).hasSize(each).doesNotHaveDuplicates().isSorted());
  }

  private OutboxRelay startRelay(javax.sql.DataSource dataSource, int shards) {
    OutboxRelay relay = relay(dataSource, shards);
    relay.start();
    relays.add(relay);
    return relay;
  }

  private OutboxRelay relay(javax.sql.DataSource dataSource, int shards) {
    return new OutboxRelay(
        dataSource,
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
        new OutboxSettings(
            Duration.ofMillis(200),
            50,
            Duration.ofSeconds(10),
            Duration.ofMillis(300),
            "redrive-sharded-test-",
            shards),
        new SimpleMeterRegistry());
  }

  private DriverManagerDataSource dataSource() {
    return new DriverManagerDataSource(
        url, infrastructure.jdbcUser(), infrastructure.jdbcPassword());
  }

  /** Connections named for the dying relay; none once {@code dead} is set. */
  private javax.sql.DataSource dyingDataSource(AtomicBoolean dead) {
    return new DelegatingDataSource(dataSource()) {
      @Override
      public Connection getConnection() throws SQLException {
        if (dead.get()) {
          throw new SQLException("the relay's process is gone");
        }
        Connection connection = super.getConnection();
        try (var statement = connection.createStatement()) {
          statement.execute("SET application_name = 'dying-relay'");
        }
        return connection;
      }
    };
  }

  private int rowsLeft() {
    return jdbc.sql("SELECT count(*) FROM outbox").query(Integer.class).single();
  }

  private static List<String> executions(int count) {
    return IntStream.range(0, count).mapToObj(i -> "exec-" + UUID.randomUUID()).toList();
  }

  private static RetryRequested request(String executionId) {
    return RetryRequested.newBuilder()
        .setNote(String.format("%09d", SEQUENCE.incrementAndGet()))
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource("sharded-it")
        .setRequestId(UUID.randomUUID().toString())
        .setRequestedBy("test")
        .build();
  }

  /** The notes received per execution, in the order of each partition, until {@code count}. */
  private Map<String, List<String>> readUntil(List<String> executions, int count) {
    Map<String, List<String>> received = new HashMap<>();
    executions.forEach(e -> received.put(e, new ArrayList<>()));
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "sharded-it-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer();
    deserializer.configure(
        Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    AtomicLong seen = new AtomicLong();
    try (KafkaConsumer<String, Object> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), deserializer)) {
      consumer.subscribe(List.of(RedriveTopics.REQUESTS.name()));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                  List<String> notes = received.get(r.key());
                  if (notes != null) {
                    notes.add(((RetryRequested) r.value()).getNote());
                    seen.incrementAndGet();
                  }
                }
                return seen.get() >= count;
              });
      // anything sent twice would arrive by now
      long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < end) {
        for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
          List<String> notes = received.get(r.key());
          if (notes != null) {
            notes.add(((RetryRequested) r.value()).getNote());
          }
        }
      }
    }
    return received;
  }
}
