package dev.redrive.audit.app;

import dev.redrive.audit.domain.EventFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The audit trail in memory: each event id once, ids given in the order events are appended. */
class InMemoryAuditTrail implements AuditTrail {

  private static final Comparator<StoredEvent> OLDEST_FIRST =
      Comparator.comparing((StoredEvent e) -> e.event().occurredAt())
          .thenComparingLong(StoredEvent::id);

  final List<StoredEvent> events = new ArrayList<>();

  @Override
  public List<StoredEvent> appendAll(List<AuditedEvent> appended) {
    List<StoredEvent> stored = new ArrayList<>();
    for (AuditedEvent event : appended) {
      if (find(event.eventId()).isEmpty()) {
        StoredEvent one = new StoredEvent(events.size() + 1, event);
        events.add(one);
        stored.add(one);
      }
    }
    return stored;
  }

  @Override
  public Optional<StoredEvent> find(String eventId) {
    return events.stream().filter(e -> e.eventId().equals(eventId)).findFirst();
  }

  @Override
  public List<StoredEvent> findAll(Collection<String> eventIds) {
    return events.stream()
        .filter(e -> eventIds.contains(e.eventId()))
        .sorted(OLDEST_FIRST)
        .toList();
  }

  @Override
  public List<StoredEvent> timeline(String executionId, int limit, int offset) {
    return events.stream()
        .filter(e -> e.executionId().equals(executionId))
        .sorted(OLDEST_FIRST)
        .skip(offset)
        .limit(limit)
        .toList();
  }

  @Override
  public Map<String, Set<String>> eventIdsOf(Collection<String> executionIds) {
    Map<String, Set<String>> ids = new HashMap<>();
    events.stream()
        .filter(e -> executionIds.contains(e.executionId()))
        .forEach(e -> ids.computeIfAbsent(e.executionId(), x -> new HashSet<>()).add(e.eventId()));
    return ids;
  }

  @Override
  public List<StoredEvent> search(EventFilter filter) {
    Set<String> ofPipeline = new HashSet<>();
    events.stream()
        .filter(e -> filter.pipeline() != null && filter.pipeline().equals(e.event().pipeline()))
        .forEach(e -> ofPipeline.add(e.executionId()));
    return events.stream()
        .filter(e -> filter.types().isEmpty() || filter.types().contains(e.event().eventType()))
        .filter(e -> filter.pipeline() == null || ofPipeline.contains(e.executionId()))
        .filter(
            e ->
                filter.failureType() == null
                    || filter.failureType().equals(e.event().failureType()))
        .filter(e -> filter.executionId() == null || filter.executionId().equals(e.executionId()))
        .filter(e -> filter.from() == null || !e.event().occurredAt().isBefore(filter.from()))
        .filter(e -> filter.to() == null || e.event().occurredAt().isBefore(filter.to()))
        .sorted(OLDEST_FIRST)
        .skip(filter.offset())
        .limit(filter.limit())
        .toList();
  }

  @Override
  public int deleteOccurredBefore(Instant cutoff, int limit) {
    List<StoredEvent> expired =
        events.stream().filter(e -> e.event().occurredAt().isBefore(cutoff)).limit(limit).toList();
    events.removeAll(expired);
    return expired.size();
  }
}
