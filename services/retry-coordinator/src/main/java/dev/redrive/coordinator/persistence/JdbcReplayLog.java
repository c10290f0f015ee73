package dev.redrive.coordinator.persistence;

import static dev.redrive.coordinator.persistence.SqlArrays.texts;

import dev.redrive.coordinator.app.deadletter.ReplayLog;
import dev.redrive.coordinator.domain.deadletter.DeadLetterCoordinates;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The dead_letter_replay table: which dead letters were replayed, how often, last by whom. */
@Repository
public class JdbcReplayLog implements ReplayLog {

  private final JdbcClient jdbc;

  public JdbcReplayLog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Map<DeadLetterCoordinates, Integer> replays(Collection<DeadLetterCoordinates> letters) {
    Map<DeadLetterCoordinates, Integer> replays = new HashMap<>();
    if (letters.isEmpty()) {
      return replays;
    }
    jdbc.sql(
            """
            SELECT r.dlt_topic, r.dlt_partition, r.dlt_offset, r.replays
            FROM dead_letter_replay r
            JOIN unnest(?::text[], ?::text[], ?::text[]) AS u(t, p, o)
              ON r.dlt_topic = u.t AND r.dlt_partition = u.p::integer AND r.dlt_offset = u.o::bigint
            """)
        .param(texts(letters, DeadLetterCoordinates::topic))
        .param(texts(letters, c -> Integer.toString(c.partition())))
        .param(texts(letters, c -> Long.toString(c.offset())))
        .query(
            (rs, n) ->
                replays.put(
                    new DeadLetterCoordinates(rs.getString(1), rs.getInt(2), rs.getLong(3)),
                    rs.getInt(4)))
        .list();
    return replays;
  }

  @Override
  public boolean claim(
      DeadLetterCoordinates letter, String replayId, String requestedBy, boolean force) {
    String sql =
        force
            ? """
              INSERT INTO dead_letter_replay AS r
                (dlt_topic, dlt_partition, dlt_offset, replays, last_replay_id, last_requested_by)
              VALUES (?, ?, ?, 1, ?, ?)
              ON CONFLICT (dlt_topic, dlt_partition, dlt_offset) DO UPDATE
                SET replays = r.replays + 1, last_replay_id = excluded.last_replay_id,
                    last_requested_by = excluded.last_requested_by, last_replayed_at = now()
              """
            : """
              INSERT INTO dead_letter_replay
                (dlt_topic, dlt_partition, dlt_offset, replays, last_replay_id, last_requested_by)
              VALUES (?, ?, ?, 1, ?, ?)
              ON CONFLICT (dlt_topic, dlt_partition, dlt_offset) DO NOTHING
              """;
    return jdbc.sql(sql)
            .params(letter.topic(), letter.partition(), letter.offset(), replayId, requestedBy)
            .update()
        == 1;
  }

  @Override
  public void release(DeadLetterCoordinates letter, String replayId) {
    // the first replay's claim goes; a forced one's count goes back down
    jdbc.sql(
            """
            DELETE FROM dead_letter_replay
            WHERE dlt_topic = ? AND dlt_partition = ? AND dlt_offset = ? AND last_replay_id = ?
              AND replays = 1""")
        .params(letter.topic(), letter.partition(), letter.offset(), replayId)
        .update();
    jdbc.sql(
            """
            UPDATE dead_letter_replay SET replays = replays - 1
            WHERE dlt_topic = ? AND dlt_partition = ? AND dlt_offset = ? AND last_replay_id = ?""")
        .params(letter.topic(), letter.partition(), letter.offset(), replayId)
        .update();
  }
}
