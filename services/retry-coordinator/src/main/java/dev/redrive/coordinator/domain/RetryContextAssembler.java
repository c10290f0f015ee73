package dev.redrive.coordinator.domain;

import dev.redrive.contract.AttemptBound;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the retry context from every earlier failure of a phase (not only the last), with guidance
 * that gets more specific with each attempt, bounded in size: the oldest excerpts are trimmed first
 * and marked, and people's notes are kept newest first within half the bound (before, every note
 * ever written went into each command, twice: twenty notes of 16 KiB made a command larger than the
 * runner takes).
 */
public final class RetryContextAssembler {

  static final String TRIM_MARKER = " [...trimmed]";
  private static final int TRIMMED_EXCERPT = 200;

  private final int maxChars;

  /**
   * @param maxChars rough bound on the characters of messages and excerpts in one context
   */
  public RetryContextAssembler(int maxChars) {
    this.maxChars = maxChars;
  }

  /** A context after failures only (an automatic retry of a failed attempt). */
  public RetryContext assemble(
      String executionId,
      String phase,
      int currentAttempt,
      int maxAttempts,
      List<Failure> earlierFailures,
      List<String> notes) {
    return assemble(
        executionId, phase, currentAttempt, maxAttempts, earlierFailures, List.of(), notes);
  }

  /**
   * A context that also tells which earlier attempts succeeded (a retry a person asked for after a
   * success): the guidance names them, so the phase does not take itself for still broken.
   *
   * @param succeededAttempts the numbers of the phase's attempts that succeeded
   */
  public RetryContext assemble(
      String executionId,
      String phase,
      int currentAttempt,
      int maxAttempts,
      List<Failure> earlierFailures,
      List<Integer> succeededAttempts,
      List<String> notes) {
    List<AttemptSummary> summaries =
        new ArrayList<>(
            earlierFailures.stream()
                .sorted(Comparator.comparingInt(Failure::attemptNumber))
                .map(AttemptSummary::of)
                .toList());
    boolean truncated = false;
    // oldest first; the newest is trimmed only when trimming all the others was not enough
    for (int i = 0; i < summaries.size() && total(summaries) > maxChars; i++) {
      AttemptSummary trimmed = summaries.get(i).trimmed(TRIMMED_EXCERPT);
      truncated |= !trimmed.equals(summaries.get(i));
      summaries.set(i, trimmed);
    }
    List<String> keptNotes = newestNotesWithin(notes, maxChars / 2);
    int notesLeftOut = notes.size() - keptNotes.size();
    truncated |= !keptNotes.equals(notes);
    return new RetryContext(
        executionId,
        phase,
        currentAttempt,
        maxAttempts,
        List.copyOf(summaries),
        keptNotes,
        guidance(phase, currentAttempt, maxAttempts, summaries, keptNotes, notesLeftOut)
            + successes(summaries, succeededAttempts),
        truncated);
  }

  /**
   * The newest notes whose characters fit the budget, in their order; a newest note longer than the
   * whole budget is trimmed.
   */
  static List<String> newestNotesWithin(List<String> notes, int budget) {
    List<String> kept = new ArrayList<>();
    int used = 0;
    for (int i = notes.size() - 1; i >= 0; i--) {
      String note = notes.get(i);
      if (used + note.length() > budget) {
        if (kept.isEmpty()) {
          kept.add(trim(note, Math.max(0, budget - TRIM_MARKER.length())));
        }
        break;
      }
      kept.add(note);
      used += note.length();
    }
    Collections.reverse(kept);
    return List.copyOf(kept);
  }

  /**
   * Attempt 2: what failed. Attempt 3 and later: the concrete list of errors and failed checks of
   * every attempt, and which of them keep coming back.
   */
  static String guidance(
      String phase,
      int currentAttempt,
      int maxAttempts,
      List<AttemptSummary> earlier,
      List<String> notes,
      int notesLeftOut) {
    // appended, not formatted, where every retry's context passes (the first retry's)
    StringBuilder text = new StringBuilder();
    text.append("This is ")
        .append(AttemptBound.describe(currentAttempt, maxAttempts))
        .append(" for phase '")
        .append(phase)
        .append("'.");
    if (earlier.isEmpty()) {
      text.append(" No earlier attempt failed.");
    } else if (earlier.size() == 1) {
      AttemptSummary last = earlier.get(0);
      text.append(" Attempt ")
          .append(last.attemptNumber())
          .append(" failed with ")
          .append(last.failureType())
          .append(": ")
          .append(oneLine(last.message()))
          .append('.');
      for (CheckOutcome check : last.failedChecks()) {
        text.append(" Check '").append(check.name()).append("' did not pass.");
      }
      text.append(
          " Keep the artifacts that are already correct and fix what failed (fix, don't redo).");
    } else {
      text.append(" Earlier attempts failed; fix each of these:");
      Set<String> repeated = new LinkedHashSet<>();
      Set<String> seen = new LinkedHashSet<>();
      for (AttemptSummary attempt : earlier) {
        text.append(
            "\n- attempt %d: %s%s: %s"
                .formatted(
                    attempt.attemptNumber(),
                    attempt.failureType(),
                    attempt.exitCode() == null ? "" : " (exit " + attempt.exitCode() + ")",
                    oneLine(attempt.message())));
        for (CheckOutcome check : attempt.failedChecks()) {
          text.append("\n  - check '%s' failed".formatted(check.name()));
          if (!seen.add("check " + check.name())) {
            repeated.add("check '" + check.name() + "'");
          }
        }
        if (!seen.add("type " + attempt.failureType())) {
          repeated.add(attempt.failureType().toString());
        }
      }
      if (!repeated.isEmpty()) {
        text.append(
            "\nFailing again the same way: %s. The previous fix did not work; change the approach."
                .formatted(String.join(", ", repeated)));
      }
      text.append("\nKeep what already works; change only what the list above names.");
    }
    if (notesLeftOut > 0) {
      text.append(
          "\n(%d earlier note%s left out to keep the context small; the audit has them all.)"
              .formatted(notesLeftOut, notesLeftOut == 1 ? "" : "s"));
    }
    for (String note : notes) {
      text.append("\nNote from a person: ").append(note);
    }
    return text.toString();
  }

  /**
   * What the guidance says of the attempts that succeeded: which, and whether the last run of the
   * phase was one of them (then this run is a person's choice, not a repair). Empty when none did.
   */
  static String successes(List<AttemptSummary> failures, List<Integer> succeeded) {
    if (succeeded.isEmpty()) {
      return "";
    }
    List<Integer> numbers = succeeded.stream().sorted().toList();
    int lastSuccess = numbers.get(numbers.size() - 1);
    int lastFailure = failures.stream().mapToInt(AttemptSummary::attemptNumber).max().orElse(0);
    String which =
        numbers.size() == 1
            ? "Attempt " + lastSuccess + " succeeded."
            : "Attempts "
                + String.join(", ", numbers.stream().map(String::valueOf).toList())
                + " succeeded.";
    if (lastSuccess > lastFailure) {
      which +=
          " The last run (attempt %d) succeeded: this run was asked for again; keep what it"
                  .formatted(lastSuccess)
              + " produced unless a note says otherwise.";
    }
    return "\n" + which;
  }

  static String trim(String value, int max) {
    if (value == null || value.length() <= max) {
      return value;
    }
    return value.substring(0, max) + TRIM_MARKER;
  }

  private static int total(List<AttemptSummary> summaries) {
    return summaries.stream().mapToInt(AttemptSummary::size).sum();
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    String line = message.strip().replace('\n', ' ');
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
