package dev.redrive.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.testkit.RedriveInfrastructure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * How the relay reads an outbox that is a queue table (its due rows, and the backlog for its
 * gauges): thousands of published, deleted rows ahead of the few that wait, as between two vacuums,
 * and rows scheduled for later. On a real PostgreSQL with the shipped migrations. (The benchmark's
 * planner took a bitmap scan there, which visits every deleted row on every read; which plan a
 * planner takes depends on the statistics of the moment, so this test checks the plan the relay's
 * settings leave.)
 */
class OutboxReadPlansIT {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();
  private static final int PUBLISHED = 5_000;
  private static final int WAITING = 40;
  private static final int SCHEDULED = 2_000;

  private SingleConnectionDataSource dataSource;

  @BeforeEach
  void anOutboxWithManyDeletedRowsAheadOfTheWaitingOnes() {
    String url = infrastructure.createDatabase("outboxreads");
    Flyway.configure()
        .dataSource(url, infrastructure.jdbcUser(), infrastructure.jdbcPassword())
        .locations("classpath:db/redrive-support", "classpath:db/outbox-parked")
        .load()
        .migrate();
    dataSource =
        new SingleConnectionDataSource(
            url, infrastructure.jdbcUser(), infrastructure.jdbcPassword(), true);
    JdbcClient jdbc = JdbcClient.create(dataSource);
    // no vacuum between the deletes and the reads, as under load
    jdbc.sql("ALTER TABLE outbox SET (autovacuum_enabled = false)").update();
    insertRows(jdbc, PUBLISHED, "1 second");
    jdbc.sql("DELETE FROM outbox").update();
    insertRows(jdbc, SCHEDULED, "-1 hour");
    jdbc.sql("ANALYZE outbox").update();
    insertRows(jdbc, WAITING, "1 second");
  }

  @Test
  void shouldReadTheDueRowsInIdOrderWithoutABitmapAndSkipDeletedRowsOnceSeen() {
    JdbcClient relay = JdbcClient.create(dataSource);
    DueRows.planQueriesOf(relay);
    String first = plan(relay);
    String second = plan(relay);

    // an ordered index scan (of the shard's ids, or of the due times and a sort), never a bitmap
    assertThat(first).contains("Index Scan using outbox_").doesNotContain("Bitmap");
    assertThat(rowsReturned(first)).isEqualTo(WAITING);
    // the first read passes each deleted row's page and marks its index entry dead; the next one
    // skips them: it reads the waiting rows' pages and a few of the index's
    assertThat(buffers(first)).isGreaterThan(PUBLISHED / 10);
    assertThat(buffers(second)).isLessThan(WAITING * 3);
    List<Long> ids =
        new DueRows(relay, 500, 0).nextBatch().stream().map(RelaySession.OutboxRow::id).toList();
    assertThat(ids).hasSize(WAITING).isSorted();
  }

  @Test
  void shouldReadTheBacklogThroughThePrimaryKeyNotTheWholeTable() throws SQLException {
    String plan;
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      OutboxBacklog.planThroughTheIndex(statement);
      plan =
          String.join(
              "\n",
              JdbcClient.create(new SingleConnectionDataSource(connection, true))
                  .sql("EXPLAIN (COSTS OFF) " + OutboxBacklog.QUERY)
                  .query(String.class)
                  .list());
      connection.rollback();
      connection.setAutoCommit(true);
    }

    assertThat(plan)
        .contains("Index Scan using outbox_pkey on outbox")
        .doesNotContainPattern("Seq Scan on outbox(\\s|$)");
    OutboxBacklog.Figures figures = OutboxBacklog.read(dataSource);
    assertThat(figures.messages()).isEqualTo(SCHEDULED + WAITING);
    assertThat(figures.oldestAgeMillis()).isGreaterThanOrEqualTo(1_000);
    assertThat(figures.parkedRows()).isZero();
    assertThat(figures.heldMessages()).isZero();
  }

  /** Rows of one 1 kB message each in shard 0, due {@code ago} ago. */
  private static void insertRows(JdbcClient jdbc, int count, String ago) {
    jdbc.sql(
            """
            INSERT INTO outbox (topics, message_keys, event_ids, event_types, payloads, due_at,
              shard)
            SELECT ARRAY['redrive.decisions'], ARRAY['execution-' || g], ARRAY['event-' || g],
              ARRAY['RetryScheduled'], ARRAY[decode(repeat('ab', 1000), 'hex')],
              now() - ?::interval, 0
            FROM generate_series(1, ?) g""")
        .param(ago)
        .param(count)
        .update();
  }

  private static String plan(JdbcClient jdbc) {
    return String.join(
        "\n",
        jdbc.sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + DueRows.DUE)
            .param(0)
            .param(500)
            .query(String.class)
            .list());
  }

  /** The rows the plan's Limit node returned. */
  private static int rowsReturned(String plan) {
    Matcher limit = Pattern.compile("Limit \\(actual time=\\S+ rows=(\\d+)").matcher(plan);
    assertThat(limit.find()).as(plan).isTrue();
    return Integer.parseInt(limit.group(1));
  }

  /** The shared buffers the whole plan touched (its first Buffers line). */
  private static int buffers(String plan) {
    Matcher line = Pattern.compile("Buffers: shared ([^\\n]+)").matcher(plan);
    assertThat(line.find()).as(plan).isTrue();
    Matcher count = Pattern.compile("(hit|read|dirtied|written)=(\\d+)").matcher(line.group(1));
    int total = 0;
    while (count.find()) {
      if (count.group(1).equals("hit") || count.group(1).equals("read")) {
        total += Integer.parseInt(count.group(2));
      }
    }
    return total;
  }
}
