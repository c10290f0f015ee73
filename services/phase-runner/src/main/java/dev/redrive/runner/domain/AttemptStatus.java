package dev.redrive.runner.domain;

/**
 * Where one attempt of a phase is: QUEUED, then RUNNING, then SUCCEEDED, FAILED or LOOPED (its
 * check sent the work back to an earlier phase). A cancel turns QUEUED into CANCELLED and RUNNING
 * into CANCELLING until the process is gone.
 */
public enum AttemptStatus {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  LOOPED,
  CANCELLING,
  CANCELLED
}
