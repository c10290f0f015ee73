package dev.redrive.coordinator.app;

import java.util.List;

/**
 * The retry contexts the coordinator sent, by command id; the automatic ones are also what the
 * retry budget counts.
 */
public interface RetryContexts {

  /** Stores the context a retry command carries. */
  default void saveContext(ContextToSave context) {
    saveContexts(List.of(context));
  }

  /** Stores the contexts retry commands carry, all at once. */
  void saveContexts(List<ContextToSave> contexts);
}
