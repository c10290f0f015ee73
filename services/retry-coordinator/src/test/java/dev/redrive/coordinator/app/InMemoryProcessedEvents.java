package dev.redrive.coordinator.app;

import dev.redrive.support.outbox.ProcessedEvents;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The processed-event log in memory: an event id is a first delivery once. */
final class InMemoryProcessedEvents extends ProcessedEvents {

  private final Set<String> seen = new HashSet<>();

  InMemoryProcessedEvents() {
    super(null);
  }

  @Override
  public Set<String> firstDeliveries(List<String> eventIds) {
    Set<String> first = new LinkedHashSet<>();
    eventIds.forEach(
        id -> {
          if (seen.add(id)) {
            first.add(id);
          }
        });
    return first;
  }
}
