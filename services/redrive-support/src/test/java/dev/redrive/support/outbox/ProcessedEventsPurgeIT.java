package dev.redrive.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.support.retention.Retention;
import dev.redrive.testkit.RedriveInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The retention of the processed-event log, on a real PostgreSQL with the shipped migrations. */
class ProcessedEventsPurgeIT {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final Retention SEVEN_DAYS = new Retention(Duration.ofDays(7));

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private String url;
  private JdbcClient jdbc;
  private ProcessedEvents processedEvents;

  @BeforeEach
  void migrateAFreshDatabase() {
    url = infrastructure.createDatabase("processed");
    Flyway.configure()
        .dataSource(url, infrastructure.jdbcUser(), infrastructure.jdbcPassword())
        .locations("classpath:db/redrive-support")
        .load()
        .migrate();
    jdbc =
        JdbcClient.create(
            new DriverManagerDataSource(
                url, infrastructure.jdbcUser(), infrastructure.jdbcPassword()));
    processedEvents = new ProcessedEvents(jdbc);
  }

  @Test
  void shouldDeleteIdsOlderThanTheRetentionInBatchesAndKeepTheOthers() {
    insert("old", 25, NOW.minus(Duration.ofDays(8)));
    insert("recent", 5, NOW.minus(Duration.ofDays(6)));

    long deleted = purge(SEVEN_DAYS, Duration.ofMinutes(5)).purge();

    assertThat(deleted).isEqualTo(25);
    assertThat(ids()).hasSize(5).allMatch(id -> id.startsWith("recent-"));
    assertThat(meters.get("redrive.processed.events.deleted").counter().count()).isEqualTo(25);
  }

  @Test
  void shouldDeleteNothingWhenTheRetentionKeepsEveryId() {
    insert("old", 3, NOW.minus(Duration.ofDays(3650)));

    assertThat(purge(Retention.FOREVER, Duration.ofMinutes(5)).purge()).isZero();
    assertThat(ids()).hasSize(3);
  }

  @Test
  void shouldFindTheOldIdsThroughTheBrinIndex() throws SQLException {
    insert("old", 3, NOW.minus(Duration.ofDays(8)));
    StringBuilder plan = new StringBuilder();
    try (Connection connection =
            DriverManager.getConnection(
                url, infrastructure.jdbcUser(), infrastructure.jdbcPassword());
        Statement statement = connection.createStatement()) {
      statement.execute("SET enable_seqscan = off");
      try (ResultSet rows =
          statement.executeQuery(
              "EXPLAIN SELECT ctid FROM processed_event"
                  + " WHERE processed_at < now() - interval '7 days' LIMIT 10000")) {
        while (rows.next()) {
          plan.append(rows.getString(1)).append('\n');
        }
      }
    }

    assertThat(plan).contains("Bitmap Index Scan on processed_event_processed_at");
  }

  @Test
  void shouldPurgeOnItsOwnOnceStartedAndStopWhenAsked() {
    insert("old", 12, NOW.minus(Duration.ofDays(8)));
    ProcessedEventsPurge purge = purge(SEVEN_DAYS, Duration.ofMillis(200));

    purge.start();
    try {
      assertThat(purge.isRunning()).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> ids().isEmpty());
    } finally {
      purge.stop();
    }
    assertThat(purge.isRunning()).isFalse();
    assertThat(meters.get("redrive.processed.events.deleted").counter().count()).isEqualTo(12);
  }

  private ProcessedEventsPurge purge(Retention retention, Duration interval) {
    return new ProcessedEventsPurge(
        processedEvents, retention, interval, 10, Clock.fixed(NOW, ZoneOffset.UTC), meters);
  }

  private void insert(String prefix, int count, Instant processedAt) {
    jdbc.sql(
            "INSERT INTO processed_event (event_id, processed_at)"
                + " SELECT ? || '-' || g, ? FROM generate_series(1, ?) g")
        .param(prefix)
        .param(Timestamp.from(processedAt))
        .param(count)
        .update();
  }

  private List<String> ids() {
    return jdbc.sql("SELECT event_id FROM processed_event").query(String.class).list();
  }
}
