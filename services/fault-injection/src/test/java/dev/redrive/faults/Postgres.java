package dev.redrive.faults;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/** One embedded PostgreSQL server per test JVM (the testkit's), stopped when the JVM exits. */
final class Postgres {

  static final String USER = "postgres";
  static final String PASSWORD = "postgres";
  private static final EmbeddedPostgres SERVER = startAndStopOnExit();

  private Postgres() {}

  private static EmbeddedPostgres startAndStopOnExit() {
    try {
      EmbeddedPostgres server =
          EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.close();
                    } catch (IOException e) {
                      // the JVM is going away
                    }
                  },
                  "postgres-stop"));
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("embedded PostgreSQL did not start", e);
    }
  }

  static int port() {
    return SERVER.getPort();
  }

  /** Creates a database of its own and returns its name. */
  static String createDatabase(String prefix) {
    String name =
        (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    try (Connection connection = connect(port(), "postgres");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return name;
  }

  static String jdbcUrl(int port, String database) {
    return "jdbc:postgresql://127.0.0.1:%d/%s".formatted(port, database);
  }

  static Connection connect(int port, String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(port, database), USER, PASSWORD);
  }
}
