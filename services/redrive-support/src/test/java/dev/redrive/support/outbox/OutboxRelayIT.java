package dev.redrive.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.RetryRequested;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
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
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
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
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox on a real PostgreSQL and a real KRaft broker: events leave only after their
 * transaction commits, never before they are due, and several relays on one table send each row
 * once.
 */
class OutboxRelayIT {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();
  private static String topic;

  private final List<OutboxRelay> relays = new ArrayList<>();
  private String registryUrl;
  private JdbcClient jdbc;
  private TransactionTemplate transaction;
  private Outbox outbox;

  @BeforeAll
  static void createTopic() throws Exception {
    topic = RedriveTopics.REQUESTS.name();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                infrastructure.kafkaBootstrapServers()))) {
      if (!admin.listTopics().names().get().contains(topic)) {
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
      }
    }
  }

  @BeforeEach
  void migrateAFreshDatabase() {
    String url = infrastructure.createDatabase("outbox");
    Flyway.configure()
        .dataSource(url, infrastructure.jdbcUser(), infrastructure.jdbcPassword())
        .locations("classpath:db/redrive-support")
        .load()
        .migrate();
    var dataSource =
        new DriverManagerDataSource(url, infrastructure.jdbcUser(), infrastructure.jdbcPassword());
    jdbc = JdbcClient.create(dataSource);
    transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    registryUrl = "mock://outbox-" + UUID.randomUUID();
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", registryUrl), false);
    OutboxRelay first = startRelay();
    outbox = new Outbox(jdbc, serializer, Clock.systemUTC(), first::wakeUp);
  }

  @AfterEach
  void stopRelays() {
    relays.forEach(OutboxRelay::stop);
  }

  @Test
  void shouldPublishACommittedEventWithItsHeadersAndDeleteTheRow() {
    RetryRequested event = request("exec-" + UUID.randomUUID());

    transaction.executeWithoutResult(status -> outbox.publish(RedriveTopics.REQUESTS, event));

    ConsumerRecord<String, Object> record = readUntil(event.getExecutionId(), 1).get(0);
    assertThat(record.value()).isEqualTo(event);
    assertThat(header(record, RedriveHeaders.EVENT_TYPE)).isEqualTo("RetryRequested");
    assertThat(header(record, RedriveHeaders.EVENT_ID)).isEqualTo(event.getEventId());
    await().atMost(Duration.ofSeconds(5)).until(this::rowsLeft, n -> n == 0);
  }

  @Test
  void shouldNeverPublishAnEventWhoseTransactionRolledBack() {
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
    String executionId = "exec-" + UUID.randomUUID();
    Instant due = Instant.now().plusMillis(1500);

    transaction.executeWithoutResult(
        status -> outbox.schedule(RedriveTopics.REQUESTS, request(executionId), due));

    ConsumerRecord<String, Object> record = readUntil(executionId, 1).get(0);
    assertThat(Instant.ofEpochMilli(record.timestamp())).isAfterOrEqualTo(due);
  }

  @Test
  void shouldRefuseToWriteOutsideATransaction() {
    assertThatThrownBy(() -> outbox.publish(RedriveTopics.REQUESTS, request("exec-x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inside the transaction");
  }

  @Test
  void shouldSendEachRowOnceWhenSeveralRelaysShareTheTable() {
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
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            infrastructure.kafkaBootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true);
    OutboxRelay relay =
        new OutboxRelay(
            jdbc,
            transaction,
            new KafkaTemplate<>(new DefaultKafkaProducerFactory<String, byte[]>(config)),
            new OutboxSettings(
                Duration.ofMillis(200), 50, Duration.ofSeconds(10), Duration.ofMillis(500)),
            new SimpleMeterRegistry());
    relay.start();
    relays.add(relay);
    return relay;
  }

  private int rowsLeft() {
    return jdbc.sql("SELECT count(*) FROM outbox").query(Integer.class).single();
  }

  private static RetryRequested request(String executionId) {
    return RetryRequested.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource("outbox-it")
        .setRequestId(UUID.randomUUID().toString())
        .setRequestedBy("test")
        .build();
  }

  private List<ConsumerRecord<String, Object>> readUntil(String key, int count) {
    List<ConsumerRecord<String, Object>> found = new ArrayList<>();
    try (KafkaConsumer<String, Object> consumer = consumer()) {
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
    try (KafkaConsumer<String, Object> consumer = consumer()) {
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

  private KafkaConsumer<String, Object> consumer() {
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
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
