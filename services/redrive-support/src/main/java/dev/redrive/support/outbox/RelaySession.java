package dev.redrive.support.outbox;

import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.outbox.CommittedProgress.CommittedBatch;
import dev.redrive.support.outbox.RowParking.Parking;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The outbox relay while it publishes a shard of its table ({@link OutboxShards}): one database
 * connection that holds the shard's advisory lock (so one relay at a time publishes the shard, in
 * id order) and one transactional producer whose {@code transactional.id} is derived from the
 * table's identity and the shard (so a new session of the shard fences the producer of any earlier
 * one and aborts its open transaction). Shards are independent: everything below holds per shard,
 * and shard 0 keeps the lock, {@code transactional.id} and progress key of the relay before shards.
 *
 * <p>A batch of due rows is read in id order, sent in one Kafka transaction together with a
 * progress record {@code (relay id -> the ids of the batch)} on {@link #PROGRESS_TOPIC}, and
 * deleted after the commit. Nothing is written to the database before the send, so a batch costs
 * one read and one delete. After a crash, the new session's {@code initTransactions} aborts what
 * the old one left open (those rows are still in the table and go out again), and the last progress
 * record names the batch that was committed but perhaps not deleted (deleted now). Every row
 * therefore reaches its topic exactly once for {@code read_committed} consumers.
 *
 * <p>When a batch fails with an error that no retry can mend ({@link Unsendable}), its transaction
 * is aborted and its rows are sent again one per transaction, up to the one that fails: that row is
 * moved to {@code outbox_parked} and the rows after it go on. A row sharing a message key (an
 * execution id) with an earlier parked row is parked too, held behind it, so consumers never see an
 * execution's later events without the parked one; a re-queue ({@link ParkedRows}) puts them back
 * with their ids, in their place.
 *
 * <p>The session owns the connection, the lock, the producer and its transactions; it reads due
 * rows with {@link DueRows}, parks with {@link RowParking} and reads its progress back with {@link
 * CommittedProgress}.
 */
final class RelaySession implements AutoCloseable {

  /**
   * Compacted; key: relay id (and {@code :shard} but for shard 0), value: the outbox ids of the
   * last batch committed to Kafka.
   */
  static final String PROGRESS_TOPIC = "redrive.outbox-progress";

  private final Connection connection;
  private final JdbcClient jdbc;
  private final String relayId;
  private final int shard;
  private final String progressKey;
  private final Map<String, Object> clientConfig;
  private final OutboxSettings settings;
  private final DueRows dueRows;
  private final RowParking parking;
  private KafkaProducer<String, byte[]> producer;

  private RelaySession(
      Connection connection,
      JdbcClient jdbc,
      String relayId,
      int shard,
      Map<String, Object> clientConfig,
      OutboxSettings settings) {
    this.connection = connection;
    this.jdbc = jdbc;
    this.relayId = relayId;
    this.shard = shard;
    this.progressKey = OutboxShards.progressKey(relayId, shard);
    this.clientConfig = clientConfig;
    this.settings = settings;
    this.dueRows = new DueRows(jdbc, settings.batchSize(), shard);
    this.parking = new RowParking(jdbc);
  }

  /**
   * Takes the shard's lock and starts the transactional producer; null when another relay holds the
   * lock.
   *
   * @param clientConfig how to reach the cluster (bootstrap servers, security); producer settings
   *     such as {@code linger.ms} are kept
   */
  static RelaySession open(
      DataSource dataSource, Map<String, Object> clientConfig, OutboxSettings settings, int shard) {
    Connection connection = connect(dataSource);
    RelaySession session = null;
    try {
      JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(connection, true));
      DueRows.planQueriesOf(jdbc);
      String relayId = jdbc.sql("SELECT relay_id FROM outbox_relay").query(String.class).single();
      Boolean locked =
          jdbc.sql("SELECT pg_try_advisory_lock(hashtext(?))")
              .param(OutboxShards.lockName(relayId, shard))
              .query(Boolean.class)
              .single();
      if (!Boolean.TRUE.equals(locked)) {
        return null;
      }
      RelaySession opened =
          new RelaySession(connection, jdbc, relayId, shard, clientConfig, settings);
      try {
        opened.parking.loadParkedKeys();
        opened.startProducer();
      } catch (RuntimeException e) {
        // the broker is away: give the lock back, or no relay could take the table over
        opened.close();
        throw e;
      }
      session = opened;
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

  int shard() {
    return shard;
  }

  /**
   * Deletes the rows of the last batch an earlier session committed to Kafka, in case it could not
   * delete them itself; returns how many were still there.
   */
  int recover() {
    CommittedBatch last =
        new CommittedProgress(progressKey, clientConfig, settings.sendTimeout()).lastBatch();
    if (last.ids().length == 0) {
      return 0;
    }
    long lastIdGiven = jdbc.sql("SELECT last_value FROM outbox_id_seq").query(Long.class).single();
    if (lastIdGiven < last.maxId()) {
      // the table is older than the progress record (restored from a backup): its ids may name
      // other rows now; sending a row twice is better than deleting one that was never sent
      throw new IllegalStateException(
          "the outbox ids end at %d but the last batch this relay committed reached %d: was the database restored? Refusing to settle that batch; delete the relay's progress record (key %s on %s) to go on, which may send its rows again"
              .formatted(lastIdGiven, last.maxId(), progressKey, PROGRESS_TOPIC));
    }
    return delete(last.ids());
  }

  /**
   * Publishes up to one batch of due rows and deletes them; parks the rows that can never be sent
   * and the rows held behind them (see {@link OutboxRelay}).
   */
  Batch publishDueBatch() {
    List<OutboxRow> messages = dueRows();
    if (messages.isEmpty()) {
      return new Batch(messages, List.of(), 0);
    }
    int rows = rowIds(messages).length;
    List<Parking> parked = new ArrayList<>();
    List<OutboxRow> sendable = parking.holdBehindParked(messages, parked);
    if (sendable.isEmpty()) {
      return new Batch(sendable, parked, rows);
    }
    long[] ids = rowIds(sendable);
    try {
      send(sendable, ids);
    } catch (RuntimeException failure) {
      if (Unsendable.cause(failure) == null) {
        throw failure;
      }
      // one of the rows can never be sent: find it by sending them one by one
      producer.abortTransaction();
      return new Batch(sendRowByRow(sendable, parked), parked, rows);
    }
    delete(ids);
    return new Batch(sendable, parked, rows);
  }

  /**
   * Sends each row in a transaction of its own, until one fails with an error no retry mends: that
   * row is parked and the rest waits for the next batch (which holds the rows of its keys). Any
   * other error ends the session as usual.
   */
  private List<OutboxRow> sendRowByRow(List<OutboxRow> messages, List<Parking> parked) {
    List<OutboxRow> sent = new ArrayList<>();
    for (List<OutboxRow> row : byRow(messages)) {
      long[] id = {row.get(0).id()};
      try {
        send(row, id);
      } catch (RuntimeException failure) {
        Throwable cause = Unsendable.cause(failure);
        if (cause == null) {
          throw failure;
        }
        producer.abortTransaction();
        // tried twice: in its batch, then alone
        parked.add(parking.park(row, Escaped.causes(cause), null, 2));
        return sent;
      }
      delete(id);
      sent.addAll(row);
    }
    return sent;
  }

  /** The messages grouped by the row they came from, in order. */
  static List<List<OutboxRow>> byRow(List<OutboxRow> messages) {
    Map<Long, List<OutboxRow>> rows = new LinkedHashMap<>();
    for (OutboxRow message : messages) {
      rows.computeIfAbsent(message.id(), id -> new ArrayList<>()).add(message);
    }
    return List.copyOf(rows.values());
  }

  /**
   * The messages of up to one batch of due rows ({@code batch-size} rows), in id order and in their
   * order within each row; held rows wait (see {@link DueRows}).
   */
  List<OutboxRow> dueRows() {
    return dueRows.nextBatch();
  }

  /**
   * The earliest due time of any row that is not held (index only while nothing is held), or null
   * when there is none.
   */
  Instant nextDue() {
    return dueRows.nextDue();
  }

  /** The ids of the rows the messages came from, once each. */
  static long[] rowIds(List<OutboxRow> messages) {
    return messages.stream().mapToLong(OutboxRow::id).distinct().toArray();
  }

  /** Sends the messages and the batch's progress record (its row ids) in one Kafka transaction. */
  void send(List<OutboxRow> messages, long[] ids) {
    producer.beginTransaction();
    for (OutboxRow row : messages) {
      if (row.payload() == null) {
        // an outbox message always has a payload: null means the row's could not be read
        throw new SerializationException(
            "message "
                + row.eventId()
                + " of outbox row "
                + row.id()
                + ": its payload cannot be read from the row's packed payloads");
      }
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(row.topic(), row.key(), row.payload());
      record.headers().add(RedriveHeaders.EVENT_TYPE, utf8(row.eventType()));
      record.headers().add(RedriveHeaders.EVENT_ID, utf8(row.eventId()));
      producer.send(record);
    }
    producer.send(new ProducerRecord<>(PROGRESS_TOPIC, 0, progressKey, utf8(IdRanges.format(ids))));
    producer.commitTransaction();
  }

  int delete(long[] ids) {
    return jdbc.sql("DELETE FROM outbox WHERE id = ANY(?)")
        .param(Arrays.stream(ids).boxed().toArray(Long[]::new))
        .update();
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
    producer =
        new KafkaProducer<>(
            producerConfig(
                clientConfig,
                settings.transactionalIdPrefix() + progressKey,
                settings.sendTimeout().toMillis()));
    producer.initTransactions();
  }

  /**
   * The relay's producer: the service's producer settings with the serializers, idempotence and a
   * transactional id put in, and defaults for what the service did not set.
   */
  static Map<String, Object> producerConfig(
      Map<String, Object> clientConfig, String transactionalId, long sendTimeoutMillis) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    // a batch of rows is sent at once: the broker's cost is mostly per produced record batch, and
    // at the default 16 kB a batch of the outbox's rows made dozens per partition
    config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    // a decision's events repeat its retry context: LZ4 batches took up to a third of the
    // broker's CPU per decision off in the benchmark (spring.kafka.producer.compression-type
    // overrides it)
    config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, sendTimeoutMillis);
    return config;
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

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** What one batch did: the messages sent, the rows parked, and how many rows it read. */
  record Batch(List<OutboxRow> sent, List<Parking> parked, int rows) {}

  /** A message of the outbox and the id of the row that holds it. */
  record OutboxRow(
      long id,
      String topic,
      String key,
      String eventId,
      String eventType,
      byte[] payload,
      Instant dueAt) {}
}
