package dev.redrive.runner.domain;

/**
 * The human-readable guidance the runner writes into the context of an attempt it queues itself (a
 * loop iteration, a rollback), in the same spirit as the coordinator's retry guidance: what
 * happened, what to keep, what to change.
 */
public final class Guidance {

  private static final int EXCERPT_CHARS = 2_000;

  private Guidance() {}

  public static String loop(String fromPhase, String target, LoopDecision.GoBack loop) {
    String output = loop.check().outputExcerpt();
    String excerpt =
        output == null || output.isBlank()
            ? "(it printed nothing)"
            : output.length() > EXCERPT_CHARS
                ? "..." + output.substring(output.length() - EXCERPT_CHARS)
                : output.strip();
    return ("Phase '%s' sent the work back to phase '%s' (loop iteration %d of %d): its check '%s'"
            + " failed with:\n%s\nKeep what is already right in the artifacts and change what the"
            + " check reports; then the phases up to '%s' run again.")
        .formatted(
            fromPhase,
            target,
            loop.iteration(),
            loop.max(),
            loop.check().name(),
            excerpt,
            fromPhase);
  }

  public static String rollback(String phase, String requestedBy, String note) {
    String who = requestedBy == null || requestedBy.isBlank() ? "a person" : requestedBy;
    StringBuilder text =
        new StringBuilder(
            "Phase '%s' runs again after a rollback requested by %s: its inputs were restored to"
                    .formatted(phase, who)
                + " their checkpoints and its earlier artifacts were archived, so it starts clean.");
    if (note != null && !note.isBlank()) {
      text.append(" Note: ").append(note.strip());
    }
    return text.toString();
  }
}
