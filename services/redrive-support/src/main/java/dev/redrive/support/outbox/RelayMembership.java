package dev.redrive.support.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * An instance's place among the relays of an outbox table: a database connection that holds the
 * instance's member lock (an advisory lock on {@code redrive-outbox-members:<relay id>} and the
 * connection's process id) for as long as the relay runs. The relays count each other's member
 * locks in {@code pg_locks} to take a fair share of the shards, and read there which shards no
 * relay publishes (a shard's lock is {@link OutboxShards#lockName}). A relay that dies loses its
 * connection, and with it its member lock and its shards' locks: the others see it at their next
 * look.
 */
final class RelayMembership implements AutoCloseable {

  /** The shards whose lock no session of the database holds, in order. */
  private static final String FREE_SHARDS =
      """
      SELECT s FROM generate_series(0, ? - 1) s,
        LATERAL (SELECT hashtext('redrive-outbox:' || ?
          || CASE WHEN s = 0 THEN '' ELSE ':' || s END)::bigint AS k) h
      WHERE NOT EXISTS (SELECT 1 FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid::bigint = (h.k >> 32) & 4294967295
          AND l.objid::bigint = h.k & 4294967295)
      ORDER BY s""";

  private final Connection connection;
  private final JdbcClient jdbc;
  private final String relayId;
  private final int shards;

  private RelayMembership(Connection connection, JdbcClient jdbc, String relayId, int shards) {
    this.connection = connection;
    this.jdbc = jdbc;
    this.relayId = relayId;
    this.shards = shards;
  }

  /**
   * Takes the instance's member lock and settles the table's shard count ({@link
   * OutboxShards#settle}).
   *
   * @throws IllegalStateException naming {@code redrive.outbox.shards} when the count does not fit
   */
  static RelayMembership join(DataSource dataSource, int configuredShards) {
    Connection connection;
    try {
      connection = dataSource.getConnection();
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      throw new IllegalStateException("outbox relay could not connect to the database", e);
    }
    try {
      JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(connection, true));
      String relayId = jdbc.sql("SELECT relay_id FROM outbox_relay").query(String.class).single();
      jdbc.sql("SELECT pg_try_advisory_lock(hashtext(? || ?), pg_backend_pid())")
          .param(OutboxShards.MEMBERS)
          .param(relayId)
          .query(Boolean.class)
          .single();
      int shards = OutboxShards.settle(jdbc, configuredShards);
      return new RelayMembership(connection, jdbc, relayId, shards);
    } catch (RuntimeException e) {
      release(connection);
      throw e;
    }
  }

  String relayId() {
    return relayId;
  }

  /** The table's shard count. */
  int shards() {
    return shards;
  }

  /** The relays of the table that run now, this one included. */
  int liveMembers() {
    return 1
        + Math.toIntExact(
            jdbc.sql(OutboxShards.OTHER_MEMBERS)
                .param(OutboxShards.MEMBERS)
                .param(relayId)
                .query(Long.class)
                .single());
  }

  /** The shards that no relay publishes now. */
  List<Integer> freeShards() {
    return jdbc.sql(FREE_SHARDS).param(shards).param(relayId).query(Integer.class).list();
  }

  @Override
  public void close() {
    release(connection);
  }

  private static void release(Connection connection) {
    try (var statement = connection.createStatement()) {
      // a pooled connection outlives the membership: give the lock back before returning it
      statement.execute("SELECT pg_advisory_unlock_all()");
    } catch (SQLException e) {
      // the connection is gone already, and with it the member lock
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // the connection is gone already, and with it the member lock
    }
  }
}
