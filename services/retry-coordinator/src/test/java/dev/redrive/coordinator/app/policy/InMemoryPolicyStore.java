package dev.redrive.coordinator.app.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The policy tables in memory, for unit tests of the use cases. */
final class InMemoryPolicyStore implements PolicyStore {

  final List<Version> versions = new ArrayList<>();
  final Map<String, ExecutionOverride> overrides = new LinkedHashMap<>();
  final Map<String, Long> overrideChanges = new LinkedHashMap<>();
  long generation;

  @Override
  public long generation() {
    return generation;
  }

  @Override
  public void lockForChange() {
    generation++;
  }

  @Override
  public Optional<Version> latest() {
    return versions.stream().max(Comparator.comparingLong(Version::version));
  }

  @Override
  public Optional<Version> lastSeeded() {
    return versions.stream()
        .filter(v -> v.origin().equals("configuration"))
        .max(Comparator.comparingLong(Version::version));
  }

  @Override
  public Optional<Version> version(long version) {
    return versions.stream().filter(v -> v.version() == version).findFirst();
  }

  @Override
  public List<Version> versions(Long before, int limit) {
    return versions.stream()
        .filter(v -> before == null || v.version() < before)
        .sorted(Comparator.comparingLong(Version::version).reversed())
        .limit(limit)
        .toList();
  }

  @Override
  public void add(Version version) {
    versions.add(version);
  }

  @Override
  public Map<String, ExecutionOverride> overrides() {
    return Map.copyOf(overrides);
  }

  @Override
  public Optional<ExecutionOverride> override(String executionId) {
    return Optional.ofNullable(overrides.get(executionId));
  }

  @Override
  public int countOverrides() {
    return overrides.size();
  }

  @Override
  public long nextOverrideVersion(String executionId) {
    return overrideChanges.getOrDefault(executionId, 0L) + 1;
  }

  @Override
  public void put(ExecutionOverride override, String summary) {
    overrides.put(override.executionId(), override);
    overrideChanges.put(override.executionId(), override.version());
  }

  @Override
  public void clear(
      String executionId,
      long version,
      String origin,
      String changedBy,
      String reason,
      String summary) {
    overrides.remove(executionId);
    overrideChanges.put(executionId, version);
  }
}
