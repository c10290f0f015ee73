package dev.redrive.coordinator.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What retry requests leave in memory: the answers by request id and people's notes. */
final class InMemoryRequests implements RequestLog, RetryNotes {

  final Map<String, RetryAnswer> answers = new LinkedHashMap<>();
  final Map<PhaseKey, List<String>> notes = new HashMap<>();

  @Override
  public Optional<RetryAnswer> answer(String requestId) {
    return Optional.ofNullable(answers.get(requestId));
  }

  @Override
  public boolean save(String requestId, String executionId, RetryAnswer answer) {
    return answers.putIfAbsent(requestId, answer) == null;
  }

  @Override
  public void addNote(String executionId, String phase, String note, String requestedBy) {
    notes
        .computeIfAbsent(new PhaseKey(executionId, phase), k -> new ArrayList<>())
        .add(requestedBy == null ? note : requestedBy + ": " + note);
  }

  @Override
  public Map<PhaseKey, List<String>> notes(List<PhaseKey> phases) {
    Map<PhaseKey, List<String>> found = new HashMap<>();
    phases.forEach(
        phase -> {
          if (notes.containsKey(phase)) {
            found.put(phase, List.copyOf(notes.get(phase)));
          }
        });
    return found;
  }
}
