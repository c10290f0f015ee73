package dev.redrive.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The floor of a design with its state in PostgreSQL: the least any coordinator that keeps state
 * and an outbox in the database can do per record, with plain clients and no decision at all. What
 * the raw pipe ({@link RawPipe}) is to Kafka, this is to Kafka plus PostgreSQL.
 *
 * <p>A consumer thread writes each poll in one database transaction of three set-based statements
 * (one {@code unnest} insert each): a state row per record, an outbox row per record (its bytes as
 * they came), and the consumed offsets, from which the consumer resumes (it seeks to them when it
 * gets its partitions, the pattern of offsets stored with the state). A relay thread reads the
 * outbox in id order, 500 rows at a time, publishes them in one Kafka transaction and deletes them.
 * No decoding, no lookup of earlier attempts, no policy, no schedule, no audit event, no metrics:
 * whatever Redrive spends beyond this is its own.
 */
final class PostgresFloor implements Contender {

  private static final int RELAY_BATCH = 500;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Connection consumerConnection;
  private final Connection relayConnection;
  private final String input;
  private final String output;
  private final Thread consumerThread;
  private final Thread relayThread;
  private volatile boolean running = true;
  private volatile boolean started;
  private final HeldStart held = new HeldStart(false);
  private volatile RuntimeException failure;
  private long transactions;
  private long written;
  private long relayTransactions;
  private long relayed;

  PostgresFloor(
      String bootstrapServers,
      String jdbcUrl,
      String user,
      String password,
      String input,
      String output,
      String groupId)
      throws SQLException {
    this.input = input;
    this.output = output;
    this.consumerConnection = DriverManager.getConnection(jdbcUrl, user, password);
    this.relayConnection = DriverManager.getConnection(jdbcUrl, user, password);
    try (Statement statement = consumerConnection.createStatement()) {
      statement.execute(
          "create table if not exists floor_state (id text primary key, attempts int not null,"
              + " updated_at timestamptz not null default now())");
      statement.execute(
          "create table if not exists floor_outbox (id bigserial primary key, key bytea,"
              + " value bytea not null)");
      statement.execute(
          "create table if not exists floor_offsets (topic text not null, partition int not"
              + " null, next_offset bigint not null, primary key (topic, partition))");
    }
    consumerConnection.setAutoCommit(false);
    relayConnection.setAutoCommit(false);
    this.consumer = RawPipe.bytesConsumer(bootstrapServers, groupId);
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                groupId + "-relay"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    this.consumerThread = new Thread(this::consume, "floor-consumer");
    this.relayThread = new Thread(this::relay, "floor-relay");
    consumerThread.setDaemon(true);
    relayThread.setDaemon(true);
  }

  @Override
  public void startHeld() {
    started = true;
    consumerThread.start();
    relayThread.start();
  }

  @Override
  public void awaitHeld(Duration timeout) throws InterruptedException {
    held.awaitAssigned(timeout);
  }

  @Override
  public void release() {
    held.release();
  }

  private void consume() {
    try (PreparedStatement state =
            consumerConnection.prepareStatement(
                "insert into floor_state (id, attempts) select unnest(?::text[]), 1"
                    + " on conflict (id) do update set attempts = floor_state.attempts + 1,"
                    + " updated_at = now()");
        PreparedStatement outbox =
            consumerConnection.prepareStatement(
                "insert into floor_outbox (key, value) select * from unnest(?::bytea[],"
                    + " ?::bytea[])");
        PreparedStatement offsets =
            consumerConnection.prepareStatement(
                "insert into floor_offsets (topic, partition, next_offset) select * from"
                    + " unnest(?::text[], ?::int[], ?::bigint[]) on conflict (topic, partition)"
                    + " do update set next_offset = excluded.next_offset")) {
      consumer.subscribe(List.of(input), new SeekToStoredOffsets());
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(held.beforePoll(consumer));
        if (records.isEmpty()) {
          continue;
        }
        int n = records.count();
        String[] ids = new String[n];
        byte[][] keys = new byte[n][];
        byte[][] values = new byte[n][];
        Map<TopicPartition, Long> next = new HashMap<>();
        int i = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
          // a row per record: the key with its offset, as no two records of a poll may update
          // one row in one statement
          ids[i] =
              (record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8))
                  + "@"
                  + record.partition()
                  + ":"
                  + record.offset();
          keys[i] = record.key();
          values[i] = record.value();
          next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
          i++;
        }
        state.setArray(1, consumerConnection.createArrayOf("text", ids));
        state.executeUpdate();
        outbox.setArray(1, consumerConnection.createArrayOf("bytea", keys));
        outbox.setArray(2, consumerConnection.createArrayOf("bytea", values));
        outbox.executeUpdate();
        List<String> topics = new ArrayList<>();
        List<Integer> partitions = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        next.forEach(
            (tp, offset) -> {
              topics.add(tp.topic());
              partitions.add(tp.partition());
              positions.add(offset);
            });
        offsets.setArray(1, consumerConnection.createArrayOf("text", topics.toArray()));
        offsets.setArray(2, consumerConnection.createArrayOf("int4", partitions.toArray()));
        offsets.setArray(3, consumerConnection.createArrayOf("int8", positions.toArray()));
        offsets.executeUpdate();
        consumerConnection.commit();
        synchronized (this) {
          transactions++;
          written += n;
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (SQLException | RuntimeException e) {
      failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Resumes each partition it gets from the offset stored with the state, when there is one. */
  private final class SeekToStoredOffsets implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      try (PreparedStatement stored =
          consumerConnection.prepareStatement(
              "select partition, next_offset from floor_offsets where topic = ?")) {
        stored.setString(1, input);
        try (ResultSet rows = stored.executeQuery()) {
          while (rows.next()) {
            TopicPartition tp = new TopicPartition(input, rows.getInt(1));
            if (partitions.contains(tp)) {
              consumer.seek(tp, rows.getLong(2));
            }
          }
        }
        consumerConnection.commit();
      } catch (SQLException e) {
        throw new IllegalStateException("the stored offsets cannot be read", e);
      }
      held.assigned(consumer, partitions);
    }
  }

  private void relay() {
    try (PreparedStatement read =
            relayConnection.prepareStatement(
                "select id, key, value from floor_outbox order by id limit " + RELAY_BATCH);
        PreparedStatement delete =
            relayConnection.prepareStatement("delete from floor_outbox where id = any(?)")) {
      producer.initTransactions();
      while (running) {
        List<Long> ids = new ArrayList<>(RELAY_BATCH);
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>(RELAY_BATCH);
        try (ResultSet rows = read.executeQuery()) {
          while (rows.next()) {
            ids.add(rows.getLong(1));
            batch.add(new ProducerRecord<>(output, rows.getBytes(2), rows.getBytes(3)));
          }
        }
        if (ids.isEmpty()) {
          relayConnection.commit();
          // nothing to publish: look again in a millisecond (a floor, so no LISTEN/NOTIFY and no
          // back-off that would add latency the measurement then charges to the design)
          Thread.sleep(1);
          continue;
        }
        producer.beginTransaction();
        batch.forEach(producer::send);
        producer.commitTransaction();
        delete.setArray(1, relayConnection.createArrayOf("int8", ids.toArray()));
        delete.executeUpdate();
        relayConnection.commit();
        synchronized (this) {
          relayTransactions++;
          relayed += ids.size();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      if (running) {
        failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
    } finally {
      producer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public RuntimeException failure() {
    return failure;
  }

  @Override
  public synchronized String stats() {
    return String.format(
        "%,d database transactions of %.0f records on average; %,d relay transactions of %.0f",
        transactions,
        transactions == 0 ? 0.0 : (double) written / transactions,
        relayTransactions,
        relayTransactions == 0 ? 0.0 : (double) relayed / relayTransactions);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (started) {
      consumer.wakeup();
      consumerThread.join(15_000);
      relayThread.join(15_000);
    } else {
      consumer.close();
      producer.close();
    }
    try {
      consumerConnection.close();
      relayConnection.close();
    } catch (SQLException e) {
      // closing: nothing left to keep
    }
  }
}
