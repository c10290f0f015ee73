package dev.redrive.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Case 11 (issue 16): two coordinators share the attempts and publish their outbox side by side
 * (four shards, two each); one is killed (SIGKILL) mid-stream, the other takes its shards over, and
 * it is restarted. No command may be lost or sent twice, and each execution's commands keep their
 * order.
 */
class ShardedRelayKillIT extends FaultCase {

  private static final int SHARDS = 4;

  @Test
  void shouldLoseNoCommandSendNoneTwiceAndKeepTheOrderWhenOneOfTwoPublishingCoordinatorsDies() {
    long start = System.nanoTime();
    String prefix = "shard";
    try (Stack stack = new Stack("11-sharded-relay-kill")) {
      String coordinatorDb = Postgres.createDatabase("coordinator");
      String auditDb = Postgres.createDatabase("audit");
      String url = Postgres.jdbcUrl(Postgres.port(), coordinatorDb);
      ServiceProcess first = stack.coordinator("coordinator-1", url, sharded("coordinator-1"));
      ServiceProcess second = stack.coordinator("coordinator-2", url, sharded("coordinator-2"));
      // the first alone creates the schema and makes the table's shard count 4
      Stack.startAll(first, stack.audit(Postgres.jdbcUrl(Postgres.port(), auditDb)));
      second.start();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  shardOwners(coordinatorDb)
                      .equals(Map.of("coordinator-1", 2, "coordinator-2", 2)));
      Stack.CoordinatorAndAudit services =
          new Stack.CoordinatorAndAudit(
              coordinatorDb, auditDb, first, null, stack.commands(), stack.stream());
      List<FailureStream.Outgoing> plan = failures(prefix);

      services.stream().startPaced(plan, RATE);
      Map<String, Integer> afterKill = new HashMap<>();
      double recovery =
          faultAt(
              0.5,
              plan,
              services.stream(),
              services.log(),
              () -> {
                second.kill();
                // its database sessions end with it: the survivor takes its shards within a poll
                await()
                    .atMost(Duration.ofSeconds(10))
                    .until(
                        () -> shardOwners(coordinatorDb).equals(Map.of("coordinator-1", SHARDS)));
                afterKill.putAll(shardOwners(coordinatorDb));
                second.start();
              });
      services.stream().awaitSent();
      StreamCheck check = drainAndCheck(prefix, plan, services);

      Figures.record(
          "11 one of two publishing coordinators killed",
          EXECUTIONS,
          services.stream().sent(),
          check,
          seconds(List.of(recovery)),
          (System.nanoTime() - start) / 1e9,
          "4 outbox shards, 2 each; SIGKILL of one at 50% of commands, restarted once the other"
              + " held all 4");
      assertThat(afterKill).containsExactly(Map.entry("coordinator-1", SHARDS));
      assertClean(check);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A coordinator whose relay shares four shards, its connections named after it. */
  private static Map<String, String> sharded(String name) {
    return Map.of(
        "redrive.outbox.shards",
        String.valueOf(SHARDS),
        "spring.datasource.hikari.data-source-properties.ApplicationName",
        name);
  }

  /** How many outbox shards each coordinator publishes now (by its connections' name). */
  private static Map<String, Integer> shardOwners(String database) {
    Map<String, Integer> owners = new HashMap<>();
    try (Connection connection = Postgres.connect(Postgres.port(), database);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                """
                SELECT a.application_name, count(*)
                FROM coordinator.outbox_relay r, generate_series(0, %d) s,
                  LATERAL (SELECT hashtext('redrive-outbox:' || r.relay_id
                    || CASE WHEN s = 0 THEN '' ELSE ':' || s END)::bigint AS k) h,
                  pg_locks l, pg_stat_activity a
                WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND l.classid::bigint = (h.k >> 32) & 4294967295
                  AND l.objid::bigint = h.k & 4294967295
                  AND a.pid = l.pid
                GROUP BY a.application_name"""
                    .formatted(SHARDS - 1))) {
      while (rows.next()) {
        owners.put(rows.getString(1), rows.getInt(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the shard locks", e);
    }
    return owners;
  }
}
