package dev.redrive.coordinator.app.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the versions of the policy set and the per-execution overrides are kept, as documents
 * ({@link dev.redrive.coordinator.domain.PolicyDocument}'s plain Java trees).
 */
public interface PolicyStore {

  /** A number that moves with every change of the policies or of an override: one cheap read. */
  long generation();

  /**
   * Makes concurrent changes wait for each other until the caller's transaction ends, and moves the
   * generation so that every instance reloads after it commits.
   */
  void lockForChange();

  /** The version in force (the highest); empty before the first seed. */
  Optional<Version> latest();

  /** The last version the configuration seeded. */
  Optional<Version> lastSeeded();

  Optional<Version> version(long version);

  /** Versions below {@code before} (null: from the newest), newest first, at most {@code limit}. */
  List<Version> versions(Long before, int limit);

  void add(Version version);

  /** Every override in force, by execution id. */
  Map<String, ExecutionOverride> overrides();

  Optional<ExecutionOverride> override(String executionId);

  /** How many executions have an override in force. */
  int countOverrides();

  /** The number the next change of this execution's override gets (1 for the first). */
  long nextOverrideVersion(String executionId);

  /**
   * Sets the execution's override (replacing one in force) and keeps the change in its history, as
   * a person's (origin {@code api}: only people set overrides).
   */
  void put(ExecutionOverride override, String summary);

  /**
   * Removes the execution's override and keeps the change in its history.
   *
   * @param origin {@code api} (a person) or {@code coordinator} (it dropped the override of an
   *     execution that ended)
   */
  void clear(
      String executionId,
      long version,
      String origin,
      String changedBy,
      String reason,
      String summary);

  /**
   * One version of the policy set.
   *
   * @param origin {@code api} (a person) or {@code configuration} (the YAML seeded at start)
   * @param changedAt null until stored
   */
  record Version(
      long version,
      Map<String, Object> document,
      String origin,
      String changedBy,
      String reason,
      String summary,
      Instant changedAt) {}

  /**
   * A person's override for one execution: the fields of one policy object.
   *
   * @param version the number of this change of the execution's override
   */
  record ExecutionOverride(
      String executionId,
      Map<String, Object> policy,
      long version,
      String changedBy,
      String reason,
      Instant changedAt) {}
}
