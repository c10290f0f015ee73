package dev.redrive.runner.domain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a rollback to a phase (a Rollback command or a resume) does, decided before anything is
 * touched: the phase and every later one are cleared and their artifacts archived under {@code
 * artifacts/_rolled_back/<phase>/<time>/}; the input and every earlier phase are restored from
 * their checkpoints (files written after an earlier phase's checkpoint are archived too); the phase
 * runs again as its next attempt, with a context that carries the person's note.
 *
 * @param clearedPhases the phase and every later one, in order
 * @param archives one per cleared phase: what to move away
 * @param input the input checkpoint to restore, or null when there is none
 * @param restores one per earlier phase that has a checkpoint
 * @param next the number and bound of the attempt that runs the phase again
 * @param contextFile where its context goes, relative to the workspace
 * @param previousError what the attempt sees as {@code REDRIVE_PREVIOUS_ERROR}
 */
public record RollbackPlan(
    String executionId,
    String toPhase,
    List<String> clearedPhases,
    List<Archive> archives,
    Map<String, FileFingerprint> input,
    List<Restore> restores,
    NextAttempt next,
    String contextFile,
    ContextJson context,
    String previousError) {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * A cleared phase: the content of its {@code artifactsDir} and its other checkpointed files go to
   * {@code location}, and its checkpoint copies are discarded.
   */
  public record Archive(
      String phase,
      String artifactsDir,
      Map<String, FileFingerprint> checkpointed,
      String location) {}

  /**
   * An earlier phase: files in {@code scope} its checkpoint does not hold go to {@code
   * extrasLocation}, and the checkpointed ones are put back when missing or changed.
   */
  public record Restore(
      String phase,
      WritePaths scope,
      Map<String, FileFingerprint> checkpointed,
      String extrasLocation) {}

  /**
   * What was asked for.
   *
   * @param toPhase the phase to go back to (already resolved: a resume names the first phase that
   *     is not complete)
   * @param note a person's note for the phase, or null
   * @param commandId the command's (or request's) id
   */
  public record Ask(String toPhase, String note, String requestedBy, String commandId) {}

  /**
   * Plans the rollback.
   *
   * @param checkpoints the execution's active checkpoints by phase ({@link Checkpoint#INPUT} for
   *     the input)
   * @param history the phase's earlier attempts in the execution
   * @param now names the archive folders
   */
  public static RollbackPlan plan(
      Pipeline pipeline,
      String executionId,
      Ask ask,
      Map<String, Checkpoint> checkpoints,
      PhaseHistory history,
      Instant now) {
    String toPhase = ask.toPhase();
    Phase phase =
        pipeline
            .phase(toPhase)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no phase %s in pipeline %s".formatted(toPhase, pipeline.name())));
    String stamp = STAMP.format(now);
    List<String> cleared = new ArrayList<>();
    List<Archive> archives = new ArrayList<>();
    for (Phase later : pipeline.fromPhase(toPhase)) {
      Checkpoint checkpoint = checkpoints.get(later.name());
      cleared.add(later.name());
      archives.add(
          new Archive(
              later.name(),
              later.artifactsDir(),
              checkpoint == null ? Map.of() : checkpoint.files(),
              archive(later.name(), stamp)));
    }
    List<Restore> restores = new ArrayList<>();
    for (Phase earlier : pipeline.before(toPhase)) {
      Checkpoint checkpoint = checkpoints.get(earlier.name());
      if (checkpoint != null) {
        restores.add(
            new Restore(
                earlier.name(),
                earlier.writePaths(),
                checkpoint.files(),
                archive(earlier.name(), stamp)));
      }
    }
    Checkpoint input = checkpoints.get(Checkpoint.INPUT);
    NextAttempt next = NextAttempt.of(phase, history);
    String note = ask.note();
    List<String> notes = note == null || note.isBlank() ? List.of() : List.of(note);
    ContextJson context =
        new ContextJson(
            ask.commandId(),
            executionId,
            toPhase,
            next.number(),
            next.maxAttempts(),
            List.of(),
            notes,
            Guidance.rollback(toPhase, ask.requestedBy(), note),
            false);
    return new RollbackPlan(
        executionId,
        toPhase,
        List.copyOf(cleared),
        List.copyOf(archives),
        input == null ? null : input.files(),
        List.copyOf(restores),
        next,
        ".redrive/rollback-%s-attempt-%d.json".formatted(toPhase, next.number()),
        context,
        "ROLLBACK: " + (note == null ? "rolled back to " + toPhase : note));
  }

  private static String archive(String phase, String stamp) {
    return "artifacts/_rolled_back/%s/%s/".formatted(phase, stamp);
  }
}
