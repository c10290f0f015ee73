package dev.redrive.coordinator.domain.whatif;

import dev.redrive.coordinator.domain.Decision;
import java.time.Duration;
import java.util.Objects;

/**
 * What the live coordinator really decided about one failure, as it recorded it.
 *
 * @param cause for {@link Kind#INTERVENE}, why; else null
 * @param delay for {@link Kind#RETRY}, the delay it drew; else null
 */
public record RecordedDecision(Kind kind, Decision.Cause cause, Duration delay) {

  /** The kinds of decision a failure gets. */
  public enum Kind {
    /** A retry was scheduled. */
    RETRY,
    /** The execution was paused for a person (the budget's refusals included). */
    INTERVENE,
    /** The pipeline's own loop handled the failed check: not counted, not decided. */
    LOOP,
    /** Recorded before decisions were kept (or not decided): what followed is not known. */
    UNRECORDED
  }

  public static final RecordedDecision LOOP = new RecordedDecision(Kind.LOOP, null, null);
  public static final RecordedDecision UNRECORDED =
      new RecordedDecision(Kind.UNRECORDED, null, null);

  public RecordedDecision {
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.RETRY) != (delay != null) || (kind == Kind.INTERVENE) != (cause != null)) {
      throw new IllegalArgumentException(
          "a RETRY has a delay and no cause, an INTERVENE a cause and no delay; was " + kind);
    }
  }

  public static RecordedDecision retry(Duration delay) {
    return new RecordedDecision(Kind.RETRY, null, delay);
  }

  public static RecordedDecision intervene(Decision.Cause cause) {
    return new RecordedDecision(Kind.INTERVENE, cause, null);
  }

  /** The record of a decision the policy (and the budget) made. */
  public static RecordedDecision of(Decision decision) {
    return decision instanceof Decision.Retry retry
        ? retry(retry.delay())
        : intervene(((Decision.Intervene) decision).cause());
  }

  /** Whether a decision came out the same way: retry, or intervention for the same cause. */
  boolean sameAs(Decision decision) {
    if (decision instanceof Decision.Intervene intervene) {
      return kind == Kind.INTERVENE && cause == intervene.cause();
    }
    return kind == Kind.RETRY;
  }
}
