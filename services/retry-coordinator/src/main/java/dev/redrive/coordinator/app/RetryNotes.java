package dev.redrive.coordinator.app;

import java.util.List;
import java.util.Map;

/** Notes people leave for a phase with a retry request; each later retry context carries them. */
public interface RetryNotes {

  void addNote(String executionId, String phase, String note, String requestedBy);

  /** Notes people left for the phase, oldest first, as they go into a context. */
  default List<String> notes(String executionId, String phase) {
    PhaseKey key = new PhaseKey(executionId, phase);
    return notes(List.of(key)).getOrDefault(key, List.of());
  }

  /** Notes people left for each phase, oldest first (phases without notes are left out). */
  Map<PhaseKey, List<String>> notes(List<PhaseKey> phases);
}
