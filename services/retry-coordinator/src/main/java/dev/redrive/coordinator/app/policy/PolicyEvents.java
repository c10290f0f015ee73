package dev.redrive.coordinator.app.policy;

/** Tells the world about a change of the policies: a PolicyChanged decision, in the outbox. */
public interface PolicyEvents {

  /** The key of the decisions about the policy set (an override's are keyed by its execution). */
  String KEY = dev.redrive.contract.EventKeys.POLICIES;

  /** Writes the decision in the caller's transaction. */
  void policyChanged(PolicyChange change);

  /**
   * @param scope {@code policies} (the set) or {@code execution} (one execution's override)
   * @param executionId the execution of an override; null for the set
   * @param version the set's version, or the override's
   * @param origin {@code api} or {@code configuration}
   */
  record PolicyChange(
      String scope,
      String executionId,
      long version,
      String summary,
      String origin,
      String requestedBy,
      String reason) {}
}
