package dev.redrive.coordinator.persistence;

import dev.redrive.coordinator.app.policy.PolicyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tables policy_version, execution_policy, execution_policy_change and policy_generation: the
 * versions of the policy set and the per-execution overrides, as JSON documents.
 */
@Repository
public class JdbcPolicyStore implements PolicyStore {

  private static final TypeReference<Map<String, Object>> TREE = new TypeReference<>() {};
  private static final String VERSION_COLUMNS =
      "version, document, origin, changed_by, reason, summary, changed_at";
  private static final String OVERRIDE_COLUMNS =
      "execution_id, override, version, changed_by, reason, changed_at";

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public JdbcPolicyStore(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  @Override
  public long generation() {
    return jdbc.sql("SELECT generation FROM policy_generation WHERE id = 1")
        .query(Long.class)
        .single();
  }

  @Override
  public void lockForChange() {
    jdbc.sql("UPDATE policy_generation SET generation = generation + 1 WHERE id = 1").update();
  }

  @Override
  public Optional<Version> latest() {
    return jdbc.sql(
            "SELECT " + VERSION_COLUMNS + " FROM policy_version ORDER BY version DESC LIMIT 1")
        .query(this::versionRow)
        .optional();
  }

  @Override
  public Optional<Version> lastSeeded() {
    return jdbc.sql(
            "SELECT "
                + VERSION_COLUMNS
                + " FROM policy_version WHERE origin = 'configuration'"
                + " ORDER BY version DESC LIMIT 1")
        .query(this::versionRow)
        .optional();
  }

  @Override
  public Optional<Version> version(long version) {
    return jdbc.sql("SELECT " + VERSION_COLUMNS + " FROM policy_version WHERE version = ?")
        .param(version)
        .query(this::versionRow)
        .optional();
  }

  @Override
  public List<Version> versions(Long before, int limit) {
    return jdbc.sql(
            "SELECT "
                + VERSION_COLUMNS
                + " FROM policy_version WHERE version < ? ORDER BY version DESC LIMIT ?")
        .params(before == null ? Long.MAX_VALUE : before, limit)
        .query(this::versionRow)
        .list();
  }

  @Override
  public void add(Version version) {
    jdbc.sql(
            """
            INSERT INTO policy_version (version, document, origin, changed_by, reason, summary)
            VALUES (?, ?::jsonb, ?, ?, ?, ?)
            """)
        .params(
            version.version(),
            json.writeValueAsString(version.document()),
            version.origin(),
            version.changedBy(),
            version.reason(),
            version.summary())
        .update();
  }

  @Override
  public Map<String, ExecutionOverride> overrides() {
    Map<String, ExecutionOverride> overrides = new LinkedHashMap<>();
    jdbc.sql("SELECT " + OVERRIDE_COLUMNS + " FROM execution_policy")
        .query(this::overrideRow)
        .list()
        .forEach(o -> overrides.put(o.executionId(), o));
    return overrides;
  }

  @Override
  public Optional<ExecutionOverride> override(String executionId) {
    return jdbc.sql("SELECT " + OVERRIDE_COLUMNS + " FROM execution_policy WHERE execution_id = ?")
        .param(executionId)
        .query(this::overrideRow)
        .optional();
  }

  @Override
  public int countOverrides() {
    return jdbc.sql("SELECT count(*) FROM execution_policy").query(Integer.class).single();
  }

  @Override
  public long nextOverrideVersion(String executionId) {
    return jdbc.sql(
            "SELECT coalesce(max(version), 0) + 1 FROM execution_policy_change"
                + " WHERE execution_id = ?")
        .param(executionId)
        .query(Long.class)
        .single();
  }

  @Override
  public void put(ExecutionOverride override, String summary) {
    String policy = json.writeValueAsString(override.policy());
    jdbc.sql(
            """
            INSERT INTO execution_policy (execution_id, override, version, changed_by, reason)
            VALUES (?, ?::jsonb, ?, ?, ?)
            ON CONFLICT (execution_id) DO UPDATE
              SET override = excluded.override, version = excluded.version,
                  changed_by = excluded.changed_by, reason = excluded.reason, changed_at = now()
            """)
        .params(
            override.executionId(),
            policy,
            override.version(),
            override.changedBy(),
            override.reason())
        .update();
    history(
        override.executionId(),
        override.version(),
        policy,
        "api",
        override.changedBy(),
        override.reason(),
        summary);
  }

  @Override
  public void clear(
      String executionId,
      long version,
      String origin,
      String changedBy,
      String reason,
      String summary) {
    jdbc.sql("DELETE FROM execution_policy WHERE execution_id = ?").param(executionId).update();
    history(executionId, version, null, origin, changedBy, reason, summary);
  }

  private void history(
      String executionId,
      long version,
      String policy,
      String origin,
      String changedBy,
      String reason,
      String summary) {
    jdbc.sql(
            """
            INSERT INTO execution_policy_change
              (execution_id, version, override, origin, changed_by, reason, summary)
            VALUES (?, ?, ?::jsonb, ?, ?, ?, ?)
            """)
        .params(executionId, version, policy, origin, changedBy, reason, summary)
        .update();
  }

  private Version versionRow(ResultSet rs, int row) throws SQLException {
    return new Version(
        rs.getLong("version"),
        json.readValue(rs.getString("document"), TREE),
        rs.getString("origin"),
        rs.getString("changed_by"),
        rs.getString("reason"),
        rs.getString("summary"),
        instant(rs.getTimestamp("changed_at")));
  }

  private ExecutionOverride overrideRow(ResultSet rs, int row) throws SQLException {
    return new ExecutionOverride(
        rs.getString("execution_id"),
        json.readValue(rs.getString("override"), TREE),
        rs.getLong("version"),
        rs.getString("changed_by"),
        rs.getString("reason"),
        instant(rs.getTimestamp("changed_at")));
  }

  private static java.time.Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
