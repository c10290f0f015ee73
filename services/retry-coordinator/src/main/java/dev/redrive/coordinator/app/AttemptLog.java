package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.Failure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.dao.ConcurrencyFailureException;

/**
 * Every attempt a runner (or another system) reported, and the failure count of each phase: what a
 * retry decision weighs and what a retry context tells.
 */
public interface AttemptLog {

  /**
   * Records started attempts (at most one report per attempt id); returns the attempt ids recorded.
   * An attempt already known (a redelivered report, or one under another event id) is not among
   * them.
   */
  Set<String> recordStarted(List<AttemptReport.Started> started);

  /**
   * Records succeeded attempts (at most one report per attempt id).
   *
   * @return per attempt recorded, whether a retry command started it (its {@code AttemptStarted}
   *     named the command): a retry that succeeded, as opposed to a first run or a loop's re-run.
   *     An attempt that already ended (a redelivered report, or one under another event id) is not
   *     among them.
   */
  Map<String, Boolean> recordSucceeded(List<AttemptReport.Succeeded> succeeded);

  /**
   * What the log holds of these attempts: those that ended (succeeded or failed), whose end
   * reported again is a redelivery, or the same report under another event id, and is not recorded
   * again; and those that only started.
   */
  KnownAttempts known(List<String> attemptIds);

  /** The attempts of a {@link #known} read that ended, and those that only started. */
  record KnownAttempts(Set<String> ended, Set<String> started) {

    public KnownAttempts {
      ended = Set.copyOf(ended);
      started = Set.copyOf(started);
    }
  }

  /**
   * Records failures that {@link #known} did not find ended (at most one report per attempt id and
   * per execution) with their checks and what was decided about each (for the what-if replay),
   * after the decision: what decided them read the log without them.
   *
   * @param started the attempts among them that {@link #known} found started: their rows turn
   *     FAILED; the others are new rows
   * @throws RecordedMeanwhile when another transaction recorded one of them since (its end, or its
   *     start): the batch is to be rolled back and decided again
   */
  void recordFailures(List<DecidedFailure> decided, Set<String> started);

  /**
   * Another transaction recorded an attempt between {@link #known} and {@link #recordFailures} (two
   * consumers with the same report, during a rebalance). Transient: a batch decided again finds it
   * recorded, and one that keeps meeting it is polled again, never sent to the dead-letter topic.
   */
  final class RecordedMeanwhile extends ConcurrencyFailureException {
    public RecordedMeanwhile(int recorded, int expected) {
      super(expected - recorded + " of " + expected + " failures were recorded meanwhile");
    }

    public RecordedMeanwhile(int expected, Throwable duplicateKey) {
      super("one of " + expected + " failures was recorded meanwhile", duplicateKey);
    }
  }

  /**
   * Adds one to the failure count of the phase of each failure that counts, notes the others (a
   * failure the pipeline's loop handles), and returns the phases' counts (each phase named at most
   * once). A failure counted here is recorded after its decision ({@link #recordFailures}).
   *
   * @param inOrder the failures of a phase reach the log one at a time (reports keyed by execution,
   *     one consumer per partition): the first failure of a phase, counted, then needs no counter
   *     of its own, its attempt is its count. Reports of another system's topic may be keyed
   *     otherwise: two consumers may count failures of one phase at once, which only a counter's
   *     row puts in order.
   */
  Map<PhaseKey, FailureCount> countFailures(List<PhaseFailure> failures, boolean inOrder);

  /**
   * A failure being decided, to count against its phase (it is recorded after its decision).
   *
   * @param counted false for a failure the pipeline's loop handles: in the phase's history, not in
   *     its count
   */
  record PhaseFailure(PhaseKey phase, String attemptId, boolean counted) {}

  /** Every failure of the phase, oldest first. */
  default List<Failure> failures(String executionId, String phase) {
    PhaseKey key = new PhaseKey(executionId, phase);
    return failures(List.of(key)).getOrDefault(key, List.of());
  }

  /** Every failure of each phase, oldest first (phases without failures are left out). */
  Map<PhaseKey, List<Failure>> failures(List<PhaseKey> phases);

  /**
   * The numbers of the phase's attempts that succeeded, lowest first: a retry a person forces after
   * a success must not be told that the phase only ever failed.
   */
  List<Integer> succeededAttempts(String executionId, String phase);

  /** The highest attempt number the phase has had. */
  default int lastAttemptNumber(String executionId, String phase) {
    PhaseKey key = new PhaseKey(executionId, phase);
    return lastAttemptNumbers(List.of(key)).get(key);
  }

  /** The highest attempt number each phase has had (0 for none). */
  Map<PhaseKey, Integer> lastAttemptNumbers(List<PhaseKey> phases);

  /** The failure count of the phase (0 when it never failed). */
  int failedAttempts(String executionId, String phase);

  /** Sets the failure count of a phase to zero and returns what it was. */
  int resetCount(String executionId, String phase);
}
