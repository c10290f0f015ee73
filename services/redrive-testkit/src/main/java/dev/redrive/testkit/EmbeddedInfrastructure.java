package dev.redrive.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A single-node KRaft broker (in this JVM, or in one of its own: {@link BrokerProcess}) and an
 * embedded PostgreSQL server: no Docker needed. Both listen on the loopback interface only.
 */
public final class EmbeddedInfrastructure implements RedriveInfrastructure {

  /** Broker settings that let transactions and compacted internal topics work on one node. */
  static final Map<String, String> SINGLE_NODE_BROKER =
      Map.of(
          "transaction.state.log.replication.factor", "1",
          "transaction.state.log.min.isr", "1",
          "offsets.topic.replication.factor", "1",
          "auto.create.topics.enable", "false",
          "group.initial.rebalance.delay.ms", "0",
          "num.partitions", "1");

  /**
   * PostgreSQL settings of every server started for tests: {@code pg_stat_statements} loaded, so a
   * test can read which statements the code ran (the coordinator's StatePlansIT checks the plan of
   * each).
   */
  static final Map<String, String> TEST_POSTGRES =
      Map.of("shared_preload_libraries", "pg_stat_statements", "pg_stat_statements.max", "5000");

  /** Stops the in-process broker, or the {@link BrokerProcess} that runs it. */
  private final Runnable stopKafka;

  private final String kafkaBootstrapServers;
  private final EmbeddedPostgres postgres;

  private EmbeddedInfrastructure(LoopbackKafkaBroker kafka, EmbeddedPostgres postgres) {
    this(kafka::close, kafka.bootstrapServers(), postgres);
  }

  private EmbeddedInfrastructure(
      Runnable stopKafka, String kafkaBootstrapServers, EmbeddedPostgres postgres) {
    this.stopKafka = stopKafka;
    this.kafkaBootstrapServers = kafkaBootstrapServers;
    this.postgres = postgres;
  }

  /** Starts both; each listens on a free port of the loopback interface. */
  public static EmbeddedInfrastructure start() {
    return start(Map.of());
  }

  /**
   * Starts both, PostgreSQL with {@link #TEST_POSTGRES} and then these server settings on top of
   * zonky's defaults (the benchmark tracks planning this way).
   */
  public static EmbeddedInfrastructure start(Map<String, String> postgresSettings) {
    LoopbackKafkaBroker kafka = LoopbackKafkaBroker.start(SINGLE_NODE_BROKER);
    try {
      return new EmbeddedInfrastructure(kafka, startPostgres(postgresSettings));
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /**
   * Like {@link #start(Map)}, with the broker of {@code broker} (a JVM of its own) instead of one
   * in this JVM; {@link #close()} stops it too.
   */
  public static EmbeddedInfrastructure start(
      Map<String, String> postgresSettings, BrokerProcess broker) {
    try {
      return new EmbeddedInfrastructure(
          broker::close, broker.bootstrapServers(), startPostgres(postgresSettings));
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  private static EmbeddedPostgres startPostgres(Map<String, String> settings) {
    try {
      EmbeddedPostgres.Builder postgres = EmbeddedPostgres.builder();
      TEST_POSTGRES.forEach(postgres::setServerConfig);
      settings.forEach(postgres::setServerConfig);
      return postgres.start();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
  }

  /**
   * Starts both on data that outlives them (the local launcher's data folder): the broker's log
   * folder is formatted and PostgreSQL's data folder initialised only on first use, and {@link
   * #close()} keeps both. The broker listens on the given loopback ports (keep them across
   * restarts); PostgreSQL on a free one. A database server that a killed JVM left running on {@code
   * postgresData} is stopped first.
   */
  public static EmbeddedInfrastructure startIn(
      Path kafkaLogs, int kafkaPort, int controllerPort, Path postgresData) {
    StalePostgres.stop(postgresData);
    LoopbackKafkaBroker kafka =
        LoopbackKafkaBroker.startIn(SINGLE_NODE_BROKER, kafkaLogs, kafkaPort, controllerPort);
    try {
      return new EmbeddedInfrastructure(
          kafka,
          EmbeddedPostgres.builder()
              .setDataDirectory(postgresData)
              .setCleanDataDirectory(false)
              // zonky turns both off for speed; data that must outlive the machine needs them
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .start());
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw new IllegalStateException(
          "embedded PostgreSQL did not start on " + postgresData + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops a PostgreSQL server that a killed JVM left running on this data folder, if there is one
   * (call it before deleting the folder).
   */
  public static void stopLeftoverPostgres(Path postgresData) {
    StalePostgres.stop(postgresData);
  }

  /** A port that is free on the loopback interface now. */
  public static int freeLoopbackPort() {
    return LoopbackKafkaBroker.freeLoopbackPort();
  }

  @Override
  public String kafkaBootstrapServers() {
    return kafkaBootstrapServers;
  }

  @Override
  public String jdbcUrl(String database) {
    return postgres.getJdbcUrl("postgres", database);
  }

  @Override
  public String jdbcUser() {
    return "postgres";
  }

  @Override
  public String jdbcPassword() {
    return "postgres";
  }

  @Override
  public void close() {
    stopKafka.run();
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not stop", e);
    }
  }
}
