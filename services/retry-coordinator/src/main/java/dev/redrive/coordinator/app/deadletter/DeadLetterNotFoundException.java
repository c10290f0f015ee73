package dev.redrive.coordinator.app.deadletter;

import dev.redrive.coordinator.domain.deadletter.DeadLetterCoordinates;

/** No dead letter at these coordinates (REST 404). */
public class DeadLetterNotFoundException extends RuntimeException {

  public DeadLetterNotFoundException(DeadLetterCoordinates at) {
    super(
        "No dead letter at %s; GET /api/v1/dead-letters lists them with their coordinates"
            .formatted(at));
  }
}
