package dev.redrive.coordinator.domain.deadletter;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a replay does with each selected dead letter, decided before anything is sent; a dry run and
 * a real replay carry out the same plan, one counting, the other sending.
 *
 * <p>A dead letter is sent back unless: it was replayed before (its coordinates are remembered), so
 * that the same letter is not sent twice by accident; it is re-parked (it was replayed and failed
 * again) and was found by a filter rather than named by its coordinates, so that a selection run
 * twice does not loop a record that keeps failing; or it has no value (it was too large to copy
 * into the dead-letter topic, and is read where it was). {@code force} sends the first two kinds
 * all the same; nothing sends a letter without a value.
 */
public record ReplayPlan(List<Step> steps) {

  /** Why a dead letter is not sent. */
  public enum Skip {
    /** Its coordinates were replayed before; force to send it again. */
    ALREADY_REPLAYED,
    /** It was replayed and failed again; name it by its coordinates, or force, to send it. */
    REPARKED,
    /** It was dead-lettered without its value; nothing to send. */
    NO_VALUE
  }

  /** One dead letter and what happens to it: {@code skip} null means it is sent. */
  public record Step(DeadLetter letter, Skip skip) {

    public boolean sends() {
      return skip == null;
    }

    /** The replay count the sent record carries: one more than the letter's. */
    public int nextReplayCount() {
      return letter.replayCount() + 1;
    }
  }

  public ReplayPlan {
    steps = List.copyOf(steps);
  }

  /**
   * The plan for the selected letters, in their order.
   *
   * @param replayedBefore the coordinates among them that were replayed before
   */
  public static ReplayPlan of(
      List<DeadLetter> letters,
      Set<DeadLetterCoordinates> replayedBefore,
      boolean explicit,
      boolean force) {
    List<Step> steps = new ArrayList<>(letters.size());
    for (DeadLetter letter : letters) {
      steps.add(new Step(letter, skip(letter, replayedBefore, explicit, force)));
    }
    return new ReplayPlan(steps);
  }

  private static Skip skip(
      DeadLetter letter,
      Set<DeadLetterCoordinates> replayedBefore,
      boolean explicit,
      boolean force) {
    if (letter.value() == null) {
      return Skip.NO_VALUE;
    }
    if (force) {
      return null;
    }
    if (replayedBefore.contains(letter.at())) {
      return Skip.ALREADY_REPLAYED;
    }
    if (letter.reparked() && !explicit) {
      return Skip.REPARKED;
    }
    return null;
  }

  /** The steps that send. */
  public List<Step> sends() {
    return steps.stream().filter(Step::sends).toList();
  }

  /** How many are skipped, by why. */
  public Map<Skip, Integer> skipped() {
    Map<Skip, Integer> skipped = new EnumMap<>(Skip.class);
    for (Step step : steps) {
      if (!step.sends()) {
        skipped.merge(step.skip(), 1, Integer::sum);
      }
    }
    return skipped;
  }
}
