package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.PolicySet;

/** Where the use cases find the retry policies in force. */
public interface Policies {

  /** The policies in force now; a batch of decisions takes them once and keeps them. */
  PolicySet current();
}
