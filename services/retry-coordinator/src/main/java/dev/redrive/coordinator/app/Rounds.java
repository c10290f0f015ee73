package dev.redrive.coordinator.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a batch of reports into rounds that can each be written set-based: round k holds the k-th
 * report of each execution (and of each attempt), in the batch's order. A round therefore names an
 * execution and an attempt at most once, and sees what the rounds before it wrote.
 */
final class Rounds {

  private Rounds() {}

  static List<List<AttemptReport>> of(List<AttemptReport> reports) {
    List<List<AttemptReport>> rounds = new ArrayList<>();
    Map<String, Integer> lastByExecution = new HashMap<>();
    Map<String, Integer> lastByAttempt = new HashMap<>();
    for (AttemptReport report : reports) {
      int round =
          1
              + Math.max(
                  lastByExecution.getOrDefault(report.meta().executionId(), -1),
                  lastByAttempt.getOrDefault(report.attemptId(), -1));
      lastByExecution.put(report.meta().executionId(), round);
      lastByAttempt.put(report.attemptId(), round);
      if (round == rounds.size()) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(round).add(report);
    }
    return rounds;
  }
}
