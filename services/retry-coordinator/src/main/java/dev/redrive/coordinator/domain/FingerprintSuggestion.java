package dev.redrive.coordinator.domain;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the history of a fingerprint suggests: when retries of it almost never succeed, mark its
 * failure type non-retryable where it happens, so that a person is asked at once instead of after
 * retries that cannot help.
 *
 * @param text the suggestion in words: {@code retries of this failure succeeded 0 of 14 times: mark
 *     COMMAND_FAILED non-retryable for phase build of pipeline demo}
 * @param policyChange the change in the policy document's form ({@code {"pipelines": {"demo":
 *     {"phases": {"build": {"nonRetryable": ["COMMAND_FAILED"]}}}}}}); its list keeps the types
 *     that are non-retryable there already, since a layer's list replaces the one it overrides
 */
public record FingerprintSuggestion(String text, Map<String, Object> policyChange) {

  /**
   * The suggestion for a fingerprint's history in one phase, or null when it has none.
   *
   * @param type the failure type of the fingerprint
   * @param pipeline the pipeline, or null for another system's failures (then {@code source})
   * @param phase the phase
   * @param source the source of the failures (used when there is no pipeline)
   * @param retries retries of it that ended (the next attempt of the phase succeeded or failed)
   * @param succeeded how many of those succeeded
   * @param nonRetryableNow the failure types already non-retryable for that phase
   * @param minRetries retries that must have ended before anything is suggested
   * @param belowRate the success rate under which it is suggested
   */
  public static FingerprintSuggestion of(
      FailureType type,
      String pipeline,
      String phase,
      String source,
      long retries,
      long succeeded,
      Set<FailureType> nonRetryableNow,
      int minRetries,
      double belowRate) {
    if (retries < minRetries
        || (double) succeeded / retries >= belowRate
        || type == FailureType.UNAUTHORIZED_WRITE
        || nonRetryableNow.contains(type)
        || (pipeline == null && source == null)) {
      return null;
    }
    EnumSet<FailureType> types = EnumSet.of(type);
    types.addAll(nonRetryableNow);
    List<String> names = types.stream().map(Enum::name).toList();
    Map<String, Object> layer = Map.of("nonRetryable", names);
    Map<String, Object> change = new LinkedHashMap<>();
    String where;
    if (pipeline != null) {
      change.put("pipelines", Map.of(pipeline, Map.of("phases", Map.of(phase, layer))));
      where = "for phase %s of pipeline %s".formatted(phase, pipeline);
    } else {
      change.put("sources", Map.of(source, layer));
      where = "for source %s".formatted(source);
    }
    return new FingerprintSuggestion(
        "retries of this failure succeeded %d of %d times: mark %s non-retryable %s"
            .formatted(succeeded, retries, type, where),
        change);
  }
}
