package dev.redrive.support.outbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How an outbox table is split into shards that relays publish side by side. Every message of an
 * execution (message key) falls into the same shard ({@link #of}), a row holds the messages of one
 * shard only ({@link OutboxRows}), and each shard is published by one relay session at a time with
 * its own advisory lock, {@code transactional.id} and progress key: per shard, exactly what a
 * single relay did for the whole table, so each execution's events keep their order and reach Kafka
 * once.
 *
 * <p>The number of shards belongs to the table ({@code outbox_relay.shards}); {@code
 * redrive.outbox.shards} must name it. It changes when an instance starts with another number while
 * no other instance runs, and the rows waiting are moved to their new shards then, unless one of
 * them holds messages that the new number would split (rows due at once can hold several
 * executions): start-up then stops and says so.
 */
public final class OutboxShards {

  private static final Logger log = LoggerFactory.getLogger(OutboxShards.class);

  /** Most shards a table may have ({@code redrive.outbox.shards}). */
  public static final int MAX = 64;

  /** The key whose advisory locks (one per instance) tell the relays how many instances run. */
  static final String MEMBERS = "redrive-outbox-members:";

  /** Live relays of the table but the one asking: one member lock each. */
  static final String OTHER_MEMBERS =
      """
      SELECT count(*) FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid::bigint = (hashtext(? || ?)::bigint & 4294967295)
        AND l.pid <> pg_backend_pid()""";

  private OutboxShards() {}

  /**
   * The shard of a message key: the first 32 bits of its MD5, without the sign, modulo the shards
   * (the SQL function {@code outbox_shard} computes the same).
   */
  public static int of(String key, int shards) {
    if (shards == 1) {
      return 0;
    }
    byte[] digest = MD5.get().digest(key.getBytes(StandardCharsets.UTF_8));
    int first =
        ((digest[0] & 0xff) << 24)
            | ((digest[1] & 0xff) << 16)
            | ((digest[2] & 0xff) << 8)
            | (digest[3] & 0xff);
    return (first & Integer.MAX_VALUE) % shards;
  }

  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("this JVM has no MD5", e);
            }
          });

  /** The advisory lock of a shard; shard 0's is the table's lock of the relays before shards. */
  static String lockName(String relayId, int shard) {
    return "redrive-outbox:" + progressKey(relayId, shard);
  }

  /**
   * The shard's key on the progress topic and the end of its {@code transactional.id}: shard 0
   * keeps the table's own (what a relay before shards used), so an upgrade fences and settles as
   * before.
   */
  static String progressKey(String relayId, int shard) {
    return shard == 0 ? relayId : relayId + ":" + shard;
  }

  /**
   * Makes the table's shard count {@code configured}, or stops: a table keeps its count while
   * another instance runs (instances must agree) and while a waiting row holds messages that the
   * new count would put into different shards; otherwise the waiting rows move to their new shards.
   * Runs on a connection that holds no member lock or on the asking relay's own member connection.
   *
   * @throws IllegalStateException naming {@code redrive.outbox.shards} when the count cannot change
   */
  public static int settle(JdbcClient jdbc, int configured) {
    if (configured < 1 || configured > MAX) {
      throw new IllegalStateException(
          "redrive.outbox.shards must be between 1 and %d, not %d".formatted(MAX, configured));
    }
    String relayId = jdbc.sql("SELECT relay_id FROM outbox_relay").query(String.class).single();
    int stored = jdbc.sql("SELECT shards FROM outbox_relay").query(Integer.class).single();
    if (stored == configured) {
      return stored;
    }
    long others = jdbc.sql(OTHER_MEMBERS).param(MEMBERS).param(relayId).query(Long.class).single();
    if (others > 0) {
      throw new IllegalStateException(
          "redrive.outbox.shards is %d but this outbox table is published in %d shards by %d running instance(s): every instance must use the same number; set redrive.outbox.shards=%d, or stop every instance and start one with the new number"
              .formatted(configured, stored, others, stored));
    }
    long split = splitRows(jdbc, configured);
    if (split > 0) {
      throw new IllegalStateException(
          "redrive.outbox.shards is %d but this outbox table is published in %d shards and %d waiting row(s) hold executions that %d shards would split: start with redrive.outbox.shards=%d until they are published (rows due now go within seconds; scheduled or held ones when due or released), then change it"
              .formatted(configured, stored, split, configured, stored));
    }
    int moved =
        jdbc.sql("UPDATE outbox SET shard = outbox_shard(message_keys[1], ?)")
            .param(configured)
            .update();
    jdbc.sql("UPDATE outbox_relay SET shards = ?").param(configured).update();
    log.info(
        "outbox table of relay {} is published in {} shards now (was {}); {} waiting rows moved to"
            + " their shards",
        relayId,
        configured,
        stored,
        moved);
    return configured;
  }

  /** Waiting or parked rows whose messages {@code shards} shards would split. */
  private static long splitRows(JdbcClient jdbc, int shards) {
    String split =
        " o WHERE (SELECT count(DISTINCT outbox_shard(k, %d)) FROM unnest(o.message_keys) k) > 1"
            .formatted(shards);
    long rows = jdbc.sql("SELECT count(*) FROM outbox" + split).query(Long.class).single();
    boolean parked =
        jdbc.sql("SELECT to_regclass('outbox_parked') IS NOT NULL").query(Boolean.class).single();
    if (parked) {
      rows += jdbc.sql("SELECT count(*) FROM outbox_parked" + split).query(Long.class).single();
    }
    return rows;
  }
}
