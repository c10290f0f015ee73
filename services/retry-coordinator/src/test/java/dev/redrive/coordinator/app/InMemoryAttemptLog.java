package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.Failure;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The attempt log in memory: each attempt's last outcome, and each phase's failure count. */
final class InMemoryAttemptLog implements AttemptLog {

  /** One attempt as the log holds it; {@code failure} only for a FAILED one. */
  record Attempt(PhaseKey phase, int number, String outcome, Failure failure, String commandId) {

    Attempt(PhaseKey phase, int number, String outcome, Failure failure) {
      this(phase, number, outcome, failure, null);
    }
  }

  final Map<String, Attempt> attempts = new LinkedHashMap<>();
  final Map<PhaseKey, Integer> counts = new HashMap<>();

  /** Every failure of the phase, counted or handled by its loop (phase_counter.failures). */
  final Map<PhaseKey, Integer> failuresOf = new HashMap<>();

  /** What each failure got, by attempt id (recorded with the failure, as on its row). */
  final Map<String, DecidedFailure> decisions = new LinkedHashMap<>();

  /** A failure recorded (and counted) before the test, as an earlier batch would have. */
  void failedBefore(String executionId, Failure failure) {
    PhaseKey key = new PhaseKey(executionId, failure.phase());
    attempts.put(failure.attemptId(), new Attempt(key, failure.attemptNumber(), "FAILED", failure));
    counts.merge(key, 1, Integer::sum);
    failuresOf.merge(key, 1, Integer::sum);
  }

  /** An attempt that succeeded before the test. */
  void succeededBefore(String executionId, String phase, int number) {
    PhaseKey key = new PhaseKey(executionId, phase);
    attempts.put("att-ok-" + number, new Attempt(key, number, "SUCCEEDED", null));
  }

  @Override
  public Set<String> recordStarted(List<AttemptReport.Started> started) {
    Set<String> recorded = new HashSet<>();
    for (AttemptReport.Started s : started) {
      Attempt known =
          attempts.putIfAbsent(
              s.attemptId(),
              new Attempt(
                  new PhaseKey(s.meta().executionId(), s.phase()),
                  s.attemptNumber(),
                  "STARTED",
                  null,
                  s.commandId()));
      if (known == null) {
        recorded.add(s.attemptId());
      }
    }
    return recorded;
  }

  @Override
  public Map<String, Boolean> recordSucceeded(List<AttemptReport.Succeeded> succeeded) {
    Map<String, Boolean> recorded = new HashMap<>();
    for (AttemptReport.Succeeded s : succeeded) {
      if (endable(s.attemptId())) {
        Attempt started = attempts.get(s.attemptId());
        String commandId = started == null ? null : started.commandId();
        attempts.put(
            s.attemptId(),
            new Attempt(
                new PhaseKey(s.meta().executionId(), s.phase()),
                s.attemptNumber(),
                "SUCCEEDED",
                null,
                commandId));
        recorded.put(s.attemptId(), commandId != null);
      }
    }
    return recorded;
  }

  @Override
  public KnownAttempts known(List<String> attemptIds) {
    Set<String> ended = new HashSet<>();
    Set<String> started = new HashSet<>();
    for (String id : attemptIds) {
      if (!endable(id)) {
        ended.add(id);
      } else if (attempts.containsKey(id)) {
        started.add(id);
      }
    }
    return new KnownAttempts(ended, started);
  }

  @Override
  public void recordFailures(List<DecidedFailure> decided, Set<String> started) {
    // as the database: a new row where none was known, a started row turned FAILED
    long recordable =
        decided.stream()
            .filter(
                d ->
                    started.contains(d.attemptId())
                        ? endable(d.attemptId()) && attempts.containsKey(d.attemptId())
                        : !attempts.containsKey(d.attemptId()))
            .count();
    if (recordable < decided.size()) {
      throw new RecordedMeanwhile((int) recordable, decided.size());
    }
    for (DecidedFailure d : decided) {
      AttemptReport.Failed f = d.report();
      PhaseKey key = new PhaseKey(f.meta().executionId(), f.failure().phase());
      attempts.put(
          f.attemptId(), new Attempt(key, f.failure().attemptNumber(), "FAILED", f.failure()));
      decisions.put(f.attemptId(), d);
    }
  }

  /** Only an attempt not seen yet, or one that started, can end (once). */
  private boolean endable(String attemptId) {
    Attempt known = attempts.get(attemptId);
    return known == null || known.outcome().equals("STARTED");
  }

  @Override
  public Map<PhaseKey, FailureCount> countFailures(List<PhaseFailure> failures, boolean inOrder) {
    Map<PhaseKey, FailureCount> result = new HashMap<>();
    for (PhaseFailure failure : failures) {
      PhaseKey phase = failure.phase();
      result.put(
          phase,
          new FailureCount(
              failure.counted()
                  ? counts.merge(phase, 1, Integer::sum)
                  : counts.getOrDefault(phase, 0),
              failuresOf.merge(phase, 1, Integer::sum) == 1));
    }
    return result;
  }

  @Override
  public Map<PhaseKey, List<Failure>> failures(List<PhaseKey> phases) {
    Map<PhaseKey, List<Failure>> failures = new HashMap<>();
    for (PhaseKey phase : new HashSet<>(phases)) {
      List<Failure> ofPhase =
          attempts.values().stream()
              .filter(a -> a.phase().equals(phase) && a.failure() != null)
              .map(Attempt::failure)
              .sorted(
                  Comparator.comparingInt(Failure::attemptNumber)
                      .thenComparing(Failure::occurredAt))
              .toList();
      if (!ofPhase.isEmpty()) {
        failures.put(phase, ofPhase);
      }
    }
    return failures;
  }

  @Override
  public List<Integer> succeededAttempts(String executionId, String phase) {
    PhaseKey key = new PhaseKey(executionId, phase);
    return attempts.values().stream()
        .filter(a -> a.phase().equals(key) && a.outcome().equals("SUCCEEDED"))
        .map(Attempt::number)
        .sorted()
        .toList();
  }

  @Override
  public Map<PhaseKey, Integer> lastAttemptNumbers(List<PhaseKey> phases) {
    Map<PhaseKey, Integer> numbers = new HashMap<>();
    for (PhaseKey phase : phases) {
      numbers.put(
          phase,
          attempts.values().stream()
              .filter(a -> a.phase().equals(phase))
              .mapToInt(Attempt::number)
              .max()
              .orElse(0));
    }
    return numbers;
  }

  @Override
  public int failedAttempts(String executionId, String phase) {
    return counts.getOrDefault(new PhaseKey(executionId, phase), 0);
  }

  @Override
  public int resetCount(String executionId, String phase) {
    Integer previous = counts.replace(new PhaseKey(executionId, phase), 0);
    return previous == null ? 0 : previous;
  }
}
