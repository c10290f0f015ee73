package dev.redrive.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Real Kafka (KRaft) and real PostgreSQL behind one switch.
 *
 * <p>{@code -Dredrive.infra=embedded} runs an in-process KRaft broker and embedded PostgreSQL (no
 * Docker needed); {@code -Dredrive.infra=containers} runs Testcontainers; {@code auto} (the
 * default) picks containers when a Docker engine answers and embedded otherwise. The same tests run
 * on both.
 */
public interface RedriveInfrastructure extends AutoCloseable {

  /** Kafka bootstrap servers, e.g. {@code 127.0.0.1:39021}. */
  String kafkaBootstrapServers();

  /** JDBC URL of the given database on the PostgreSQL server. */
  String jdbcUrl(String database);

  String jdbcUser();

  String jdbcPassword();

  /**
   * The schema registry every test in this JVM uses (in memory). One registry for one broker: the
   * Redrive topics are shared by all tests of a JVM, so every reader must resolve every writer's
   * schema ids.
   */
  default String schemaRegistryUrl() {
    return "mock://redrive-tests";
  }

  @Override
  void close();

  /** A database of its own, so that tests sharing one server do not see each other's rows. */
  default String createDatabase(String prefix) {
    String name =
        (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    try (Connection connection =
            DriverManager.getConnection(jdbcUrl("postgres"), jdbcUser(), jdbcPassword());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return jdbcUrl(name);
  }

  /** Starts the infrastructure chosen by {@code redrive.infra} (or env {@code REDRIVE_INFRA}). */
  static RedriveInfrastructure start() {
    String choice =
        System.getProperty("redrive.infra", System.getenv().getOrDefault("REDRIVE_INFRA", "auto"));
    return switch (choice) {
      case "embedded" -> EmbeddedInfrastructure.start();
      case "containers" -> ContainerInfrastructure.start();
      case "auto" ->
          ContainerInfrastructure.dockerAvailable()
              ? ContainerInfrastructure.start()
              : EmbeddedInfrastructure.start();
      default ->
          throw new IllegalArgumentException(
              "redrive.infra must be embedded, containers or auto, was: " + choice);
    };
  }

  /**
   * One infrastructure per JVM, started on first use and stopped when the JVM exits: integration
   * tests share it and isolate themselves with their own databases and ids.
   */
  static RedriveInfrastructure shared() {
    return SharedInfrastructure.INSTANCE;
  }
}
