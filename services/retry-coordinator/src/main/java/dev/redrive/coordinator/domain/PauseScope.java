package dev.redrive.coordinator.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a pause of retries covers: every retry, the retries of a pipeline, of one phase of a
 * pipeline, or of one execution. A retry command is held while any pause covers it.
 *
 * @param pipeline the pipeline (PIPELINE and PHASE)
 * @param phase the phase (PHASE)
 * @param executionId the execution (EXECUTION)
 */
public record PauseScope(Kind kind, String pipeline, String phase, String executionId) {

  /** How wide a pause is. */
  public enum Kind {
    ALL,
    PIPELINE,
    PHASE,
    EXECUTION
  }

  /** Separates the parts of a key; names and ids cannot contain control characters. */
  private static final String SEPARATOR = "\u001f";

  public PauseScope {
    Objects.requireNonNull(kind, "kind");
    boolean valid =
        switch (kind) {
          case ALL -> pipeline == null && phase == null && executionId == null;
          case PIPELINE -> pipeline != null && phase == null && executionId == null;
          case PHASE -> pipeline != null && phase != null && executionId == null;
          case EXECUTION -> pipeline == null && phase == null && executionId != null;
        };
    if (!valid) {
      throw new IllegalArgumentException(
          "a pause covers everything, a pipeline, a phase of a pipeline or an execution; got "
              + kind
              + " with pipeline="
              + pipeline
              + ", phase="
              + phase
              + ", execution="
              + executionId);
    }
  }

  public static PauseScope all() {
    return new PauseScope(Kind.ALL, null, null, null);
  }

  public static PauseScope pipeline(String pipeline) {
    return new PauseScope(Kind.PIPELINE, pipeline, null, null);
  }

  public static PauseScope phase(String pipeline, String phase) {
    return new PauseScope(Kind.PHASE, pipeline, phase, null);
  }

  public static PauseScope execution(String executionId) {
    return new PauseScope(Kind.EXECUTION, null, null, executionId);
  }

  /** The scope's key, as a retry command names it among its hold scopes. */
  public String key() {
    return switch (kind) {
      case ALL -> "all";
      case PIPELINE -> "pipeline" + SEPARATOR + pipeline;
      case PHASE -> "phase" + SEPARATOR + pipeline + SEPARATOR + phase;
      case EXECUTION -> "execution" + SEPARATOR + executionId;
    };
  }

  /** The scope a key names. */
  public static PauseScope ofKey(String key) {
    String[] parts = key.split(SEPARATOR, -1);
    return switch (parts[0]) {
      case "all" -> all();
      case "pipeline" -> pipeline(parts[1]);
      case "phase" -> phase(parts[1], parts[2]);
      case "execution" -> execution(parts[1]);
      default -> throw new IllegalArgumentException("not a pause scope: " + key);
    };
  }

  /**
   * The keys a command to a phase of a pipeline names, so that a pause of everything, of the
   * pipeline or of the phase holds it (null pipeline or phase: the scopes that need them are left
   * out). The key of an execution's pause is added only while that execution is paused: commands of
   * many executions share outbox rows, and a key unique to each would give every command a row of
   * its own.
   */
  public static List<String> keysCovering(String pipeline, String phase) {
    List<String> keys = new ArrayList<>(3);
    keys.add(all().key());
    if (pipeline != null) {
      keys.add(pipeline(pipeline).key());
      if (phase != null) {
        keys.add(phase(pipeline, phase).key());
      }
    }
    return keys;
  }

  /** Whether the scope covers the retries of this execution at this phase. */
  public boolean covers(String pipeline, String phase, String executionId) {
    return kind == Kind.EXECUTION
        ? this.executionId.equals(executionId)
        : keysCovering(pipeline, phase).contains(key());
  }

  /** The scope in words, e.g. "retries of phase build of pipeline demo". */
  public String describe() {
    return switch (kind) {
      case ALL -> "every retry";
      case PIPELINE -> "retries of pipeline " + pipeline;
      case PHASE -> "retries of phase " + phase + " of pipeline " + pipeline;
      case EXECUTION -> "retries of execution " + executionId;
    };
  }
}
