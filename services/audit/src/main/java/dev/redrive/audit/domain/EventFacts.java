package dev.redrive.audit.domain;

/**
 * What the execution index reads from an event besides its envelope: the phase it is about and the
 * resubmission it records. Read once, where the event is decoded.
 *
 * @param phase the phase the event names ({@code phase}, or a rollback's {@code toPhase}); null if
 *     none
 * @param resubmitOf on a resubmission's {@code StartExecution}: the execution it resubmits
 * @param resubmittedAs on the original's {@code ExecutionResubmitted}: the new execution
 */
public record EventFacts(String phase, String resubmitOf, String resubmittedAs) {

  /** An event that names no phase and links no execution. */
  public static final EventFacts NONE = new EventFacts(null, null, null);
}
