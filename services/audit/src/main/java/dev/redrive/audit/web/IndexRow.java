package dev.redrive.audit.web;

import dev.redrive.audit.app.ExecutionIndex;
import dev.redrive.audit.domain.ExecutionSummary;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * One row of the index as its live stream sends it ({@code event: execution}, {@code id:
 * <change>}).
 *
 * @param executionId the execution
 * @param pipeline its pipeline, or null
 * @param status its status as the audit knows it
 * @param phase its current phase, or null
 * @param lastFailureType the failure type of its latest failure, or null
 * @param lastEventAt when its latest event occurred
 * @param lastEventMicros the same, in microseconds since the epoch (the page's sort key)
 * @param lastEventType that event's type
 * @param attempts attempts started
 * @param originalExecutionId the execution it resubmits, or null
 * @param resubmissions the executions that resubmit it (at most 20)
 * @param resubmissionCount how many resubmit it
 * @param change the change number: a row with a higher one is newer
 * @param matches whether it belongs in the watching page's listing (else the page drops it)
 */
record IndexRow(
    String executionId,
    String pipeline,
    String status,
    String phase,
    String lastFailureType,
    String lastEventAt,
    long lastEventMicros,
    String lastEventType,
    int attempts,
    String originalExecutionId,
    List<String> resubmissions,
    int resubmissionCount,
    long change,
    boolean matches) {

  static IndexRow of(ExecutionIndex.Change change, boolean matches) {
    ExecutionSummary s = change.summary();
    return new IndexRow(
        s.executionId(),
        s.pipeline(),
        s.status().name(),
        s.phase(),
        s.lastFailureType(),
        s.lastEventAt().truncatedTo(ChronoUnit.MILLIS).toString(),
        micros(s.lastEventAt()),
        s.lastEventType(),
        s.attempts(),
        s.originalExecutionId(),
        s.resubmissions(),
        s.resubmissionCount(),
        change.change(),
        matches);
  }

  static long micros(Instant at) {
    return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000L;
  }
}
