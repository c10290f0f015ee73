package dev.redrive.coordinator.kafka;

import dev.redrive.support.avro.SchemaRegistryException;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Records a batch in one transaction and, when that fails, names the record to blame, so that the
 * error handler treats the failure as that record's (back-off, then dead letter) and never as the
 * whole batch's:
 *
 * <ul>
 *   <li>an outage (database or schema registry unreachable, a deadlock, a failed commit) is blamed
 *       on the first record: the whole batch comes again after the back-off, nothing is
 *       dead-lettered for a reason that is not the record's;
 *   <li>anything else is looked for record by record, each in its own transaction: the records
 *       before the culprit are committed, the culprit is blamed with its own cause.
 * </ul>
 */
final class BatchFailures {

  private static final Logger log = LoggerFactory.getLogger(BatchFailures.class);

  private BatchFailures() {}

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
      if (isOutage(failure)) {
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

  /**
   * Whether the failure is the infrastructure's, not the records': the same batch may pass later.
   */
  static boolean isOutage(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof TransientDataAccessException
          || cause instanceof DataAccessResourceFailureException
          || cause instanceof RecoverableDataAccessException
          || cause instanceof CannotCreateTransactionException
          || cause instanceof TransactionSystemException
          || (cause instanceof SchemaRegistryException registry
              && (registry.httpStatus() == SchemaRegistryException.NO_ANSWER
                  || registry.httpStatus() >= 500))) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }
}
