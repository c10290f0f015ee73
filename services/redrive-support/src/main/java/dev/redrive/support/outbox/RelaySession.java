package dev.redrive.support.outbox;

import dev.redrive.support.kafka.RedriveHeaders;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The outbox relay while it publishes for its table: one database connection that holds the table's
 * advisory lock (so one relay at a time publishes, in id order) and one transactional producer
 * whose {@code transactional.id} is derived from the table's identity (so a new session fences the
 * producer of any earlier one and aborts its open transaction).
 *
 * <p>A batch is claimed in the database (rows stamped with a batch id), sent in one Kafka
 * transaction together with a progress record {@code (relay id -> batch id)} on {@link
 * #PROGRESS_TOPIC}, and deleted after the commit. After a crash, the progress topic says which
 * claimed batches were committed (deleted without sending) and which were not (sent again). Every
 * row therefore reaches its topic exactly once for {@code read_committed} consumers.
 */
final class RelaySession implements AutoCloseable {

  /** Compacted; key: relay id, value: the last batch id committed to Kafka. */
  static final String PROGRESS_TOPIC = "redrive.outbox-progress";

  private static final TopicPartition PROGRESS = new TopicPartition(PROGRESS_TOPIC, 0);

  private final Connection connection;
  private final JdbcClient jdbc;
  private final String relayId;
  private final Map<String, Object> clientConfig;
  private final OutboxSettings settings;
  private KafkaProducer<String, byte[]> producer;

  private RelaySession(
      Connection connection,
      JdbcClient jdbc,
      String relayId,
      Map<String, Object> clientConfig,
      OutboxSettings settings) {
    this.connection = connection;
    this.jdbc = jdbc;
    this.relayId = relayId;
    this.clientConfig = clientConfig;
    this.settings = settings;
  }

  /**
   * Takes the table's lock and starts the transactional producer; empty when another relay holds
   * the lock.
   *
   * @param clientConfig how to reach the cluster (bootstrap servers, security); producer settings
   *     such as {@code linger.ms} are kept
   */
  static RelaySession open(
      DataSource dataSource, Map<String, Object> clientConfig, OutboxSettings settings) {
    Connection connection = connect(dataSource);
    RelaySession session = null;
    try {
      JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(connection, true));
      // this connection lives as long as the session: a plan cached while the outbox was small
      // would make every later claim scan the whole table
      jdbc.sql("SET plan_cache_mode = force_custom_plan").update();
      String relayId = jdbc.sql("SELECT relay_id FROM outbox_relay").query(String.class).single();
      Boolean locked =
          jdbc.sql("SELECT pg_try_advisory_lock(hashtext(?))")
              .param("redrive-outbox:" + relayId)
              .query(Boolean.class)
              .single();
      if (!Boolean.TRUE.equals(locked)) {
        return null;
      }
      session = new RelaySession(connection, jdbc, relayId, clientConfig, settings);
      session.startProducer();
      return session;
    } finally {
      if (session == null) {
        closeQuietly(connection);
      }
    }
  }

  String relayId() {
    return relayId;
  }

  /**
   * Settles the batches an earlier session claimed: deletes those its progress record shows as
   * committed, sends the others again. Returns the rows sent again.
   */
  List<OutboxRow> recover() {
    long committed = lastCommittedBatch();
    jdbc.sql("SELECT setval('outbox_batch_seq', GREATEST(last_value, ?)) FROM outbox_batch_seq")
        .param(Math.max(committed, 1))
        .query(Long.class)
        .single();
    List<Long> claimed =
        jdbc.sql(
                "SELECT DISTINCT batch_id FROM outbox WHERE batch_id IS NOT NULL ORDER BY batch_id")
            .query(Long.class)
            .list();
    List<OutboxRow> resent = new ArrayList<>();
    for (long batch : claimed) {
      if (batch <= committed) {
        delete(batch);
      } else {
        List<OutboxRow> rows = rowsOf(batch);
        send(batch, rows);
        delete(batch);
        resent.addAll(rows);
      }
    }
    return resent;
  }

  /** Claims up to one batch of due rows, publishes it and deletes it; returns what was sent. */
  List<OutboxRow> publishDueBatch() {
    List<OutboxRow> rows = claimDueRows();
    if (rows.isEmpty()) {
      return rows;
    }
    long batch = rows.get(0).batchId();
    send(batch, rows);
    delete(batch);
    return rows;
  }

  /** Stamps up to one batch of due rows with a new batch id (committed at once). */
  List<OutboxRow> claimDueRows() {
    List<OutboxRow> rows =
        jdbc.sql(
                """
                WITH due AS (
                  SELECT id FROM outbox WHERE batch_id IS NULL AND due_at <= now()
                  ORDER BY id LIMIT ?)
                UPDATE outbox o SET batch_id = (SELECT nextval('outbox_batch_seq'))
                FROM due WHERE o.id = due.id
                RETURNING o.id, o.batch_id, o.topic, o.message_key, o.event_id, o.event_type,
                  o.payload, o.due_at""")
            .param(settings.batchSize())
            .query(RelaySession::row)
            .list();
    if (rows.stream().map(OutboxRow::batchId).distinct().count() > 1) {
      throw new IllegalStateException("a claim stamped more than one batch id: " + rows.size());
    }
    return sorted(rows);
  }

  /** Sends the rows and the batch's progress record in one Kafka transaction. */
  void send(long batch, List<OutboxRow> rows) {
    producer.beginTransaction();
    for (OutboxRow row : rows) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(row.topic(), row.key(), row.payload());
      record.headers().add(RedriveHeaders.EVENT_TYPE, utf8(row.eventType()));
      record.headers().add(RedriveHeaders.EVENT_ID, utf8(row.eventId()));
      producer.send(record);
    }
    producer.send(new ProducerRecord<>(PROGRESS_TOPIC, 0, relayId, utf8(Long.toString(batch))));
    producer.commitTransaction();
  }

  void delete(long batch) {
    jdbc.sql("DELETE FROM outbox WHERE batch_id = ?").param(batch).update();
  }

  /** Rows, the earliest due time and the earliest due time of the rows already due. */
  OutboxState state() {
    return jdbc.sql(
            """
            SELECT count(*), min(due_at), min(due_at) FILTER (WHERE due_at <= now()) FROM outbox""")
        .query(
            (rs, n) ->
                new OutboxState(
                    rs.getLong(1), instant(rs.getTimestamp(2)), instant(rs.getTimestamp(3))))
        .single();
  }

  /** Closes the producer at once (an open transaction is aborted by the next session). */
  @Override
  public void close() {
    if (producer != null) {
      try {
        producer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        // closing at once may interrupt a send in flight: nothing to do about it
      }
    }
    closeQuietly(connection);
  }

  private void startProducer() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "redrive-outbox-" + relayId);
    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.sendTimeout().toMillis());
    producer = new KafkaProducer<>(config);
    producer.initTransactions();
  }

  /**
   * The last batch id this relay committed to Kafka, read with {@code read_committed} up to the
   * partition's end (0 when there is none).
   */
  private long lastCommittedBatch() {
    long end = highWatermark();
    Map<String, Object> config = new HashMap<>(readerConfig());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    long last = 0;
    long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(PROGRESS));
      consumer.seekToBeginning(List.of(PROGRESS));
      while (consumer.position(PROGRESS) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read "
                  + PROGRESS_TOPIC
                  + " to its end (offset "
                  + end
                  + ") within "
                  + settings.sendTimeout());
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (relayId.equals(record.key()) && record.value() != null) {
            last = Long.parseLong(record.value());
          }
        }
      }
    }
    return last;
  }

  /** Offset after the last record written, committed or not: how far the reader must get. */
  private long highWatermark() {
    try (Admin admin = Admin.create(readerConfig())) {
      return admin
          .listOffsets(
              Map.of(PROGRESS, OffsetSpec.latest()),
              new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
          .partitionResult(PROGRESS)
          .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + PROGRESS_TOPIC, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not read the end of " + PROGRESS_TOPIC, e);
    }
  }

  /** The cluster address and security settings, without the producer's own settings. */
  private Map<String, Object> readerConfig() {
    Map<String, Object> config = new HashMap<>();
    clientConfig.forEach(
        (key, value) -> {
          if (key.startsWith("bootstrap.")
              || key.startsWith("security.")
              || key.startsWith("sasl.")
              || key.startsWith("ssl.")
              || key.equals("client.dns.lookup")) {
            config.put(key, value);
          }
        });
    return config;
  }

  private List<OutboxRow> rowsOf(long batch) {
    return jdbc.sql(
            """
            SELECT id, batch_id, topic, message_key, event_id, event_type, payload, due_at
            FROM outbox WHERE batch_id = ? ORDER BY id""")
        .param(batch)
        .query(RelaySession::row)
        .list();
  }

  private static OutboxRow row(ResultSet rs, int n) throws SQLException {
    return new OutboxRow(
        rs.getLong("id"),
        rs.getLong("batch_id"),
        rs.getString("topic"),
        rs.getString("message_key"),
        rs.getString("event_id"),
        rs.getString("event_type"),
        rs.getBytes("payload"),
        rs.getTimestamp("due_at").toInstant());
  }

  private static List<OutboxRow> sorted(List<OutboxRow> rows) {
    return rows.stream().sorted(Comparator.comparingLong(OutboxRow::id)).toList();
  }

  private static Connection connect(DataSource dataSource) {
    try {
      Connection connection = dataSource.getConnection();
      connection.setAutoCommit(true);
      return connection;
    } catch (SQLException e) {
      throw new IllegalStateException("outbox relay could not connect to the database", e);
    }
  }

  private static void closeQuietly(Connection connection) {
    try (var statement = connection.createStatement()) {
      // a pooled connection outlives this session: give the lock back before returning it
      statement.execute("SELECT pg_advisory_unlock_all()");
    } catch (SQLException e) {
      // the connection is gone already, and with it the advisory lock
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // the connection is gone already, and with it the advisory lock
    }
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  record OutboxState(long rows, Instant nextDue, Instant oldestDue) {}

  record OutboxRow(
      long id,
      long batchId,
      String topic,
      String key,
      String eventId,
      String eventType,
      byte[] payload,
      Instant dueAt) {}
}
