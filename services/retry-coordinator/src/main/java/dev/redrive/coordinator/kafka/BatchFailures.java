package dev.redrive.coordinator.kafka;

import dev.redrive.support.kafka.Outages;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * How a listener decides a whole poll: {@link #decide} turns each record into a report and records
 * the reports in one transaction; a record that cannot be turned into one stops the poll there (the
 * reports before it are recorded first) and is blamed alone. Both the attempts listener and the
 * external sources' listeners go through it.
 *
 * <p>Records a batch in one transaction and, when that fails, names the record to blame, so that
 * the error handler ({@code RedriveErrorHandler}) treats the failure as that record's and never as
 * the whole batch's (its fallback for a batch would dead-letter every record of it):
 *
 * <ul>
 *   <li>an outage ({@link Outages}: the database or the schema registry unreachable, a deadlock) is
 *       blamed on the first record with its cause: the error handler waits it out and the whole
 *       batch comes again; nothing is dead-lettered for a reason that is not the records';
 *   <li>anything else is looked for record by record, each in its own transaction: the records
 *       before the culprit are committed, the culprit is blamed with its own cause.
 * </ul>
 */
public final class BatchFailures {

  private static final Logger log = LoggerFactory.getLogger(BatchFailures.class);

  private BatchFailures() {}

  /**
   * Turns the records of a poll into reports with {@code report} and hands them to {@code record}
   * as one batch. When {@code report} throws for a record, the reports before it are recorded (so
   * that they are committed with their offsets) and that record is blamed with its own cause: the
   * error handler dead-letters it at once when it is invalid, and the records after it come again.
   *
   * @throws BatchListenerFailedException naming the index of the record to blame
   */
  public static <R, T> void decide(
      List<R> records, Function<R, T> report, Consumer<List<T>> record) {
    List<T> reports = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      T one;
      try {
        one = report.apply(records.get(i));
      } catch (RuntimeException unusable) {
        // the records before it are fine: decide them, then report this one
        record(record, reports);
        throw new BatchListenerFailedException(unusable.getMessage(), unusable, i);
      }
      reports.add(one);
    }
    record(record, reports);
  }

  /**
   * Hands the reports to {@code record} (one transaction per call), as one batch or, when that
   * fails for another reason than an outage, one by one.
   *
   * @throws BatchListenerFailedException naming the index of the record to blame
   */
  static <T> void record(Consumer<List<T>> record, List<T> reports) {
    if (reports.isEmpty()) {
      return;
    }
    try {
      record.accept(reports);
    } catch (RuntimeException failure) {
      if (Outages.isOutage(failure)) {
        throw new BatchListenerFailedException(failure.getMessage(), failure, 0);
      }
      log.warn(
          "a batch of {} events failed ({}); handling them one by one to find the cause",
          reports.size(),
          NestedExceptionUtils.getMostSpecificCause(failure).toString());
      for (int i = 0; i < reports.size(); i++) {
        try {
          record.accept(List.of(reports.get(i)));
        } catch (RuntimeException culprit) {
          throw new BatchListenerFailedException(culprit.getMessage(), culprit, i);
        }
      }
    }
  }
}
