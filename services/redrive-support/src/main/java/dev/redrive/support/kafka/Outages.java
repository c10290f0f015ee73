package dev.redrive.support.kafka;

import dev.redrive.support.avro.SchemaRegistryException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells an outage of something a handler depends on (the database, the schema registry) from a
 * problem with the record itself. A record that failed because of an outage is not at fault: it is
 * retried until the outage ends, never sent to a dead-letter topic.
 */
public final class Outages {

  private Outages() {}

  /** Whether the exception, or any of its causes, says a dependency is unavailable. */
  public static boolean isOutage(Throwable exception) {
    if (exceedsALimit(exception)) {
      return false;
    }
    for (Throwable cause = exception; cause != null; cause = next(cause)) {
      if (cause instanceof SchemaRegistryException registry) {
        return registry.isUnavailable();
      }
      if (cause instanceof TransactionSystemException rollback
          && rollback.getApplicationException() != null
          && isOutage(rollback.getApplicationException())) {
        // the database went away mid-transaction and the rollback failed too ("Connection is
        // closed", no SQLSTATE): the failure that counts is the one the rollback overrode
        return true;
      }
      if (cause instanceof DataAccessResourceFailureException
          || cause instanceof TransientDataAccessException
          || cause instanceof RecoverableDataAccessException
          || cause instanceof SQLTransientException
          || cause instanceof SQLRecoverableException
          || isConnectionState(cause)) {
        return true;
      }
    }
    return false;
  }

  /**
   * SQLSTATE class 54 (program limit exceeded: an index row, a statement or a value too large for
   * PostgreSQL). Spring translates it to a {@link TransientDataAccessException}, but it is the
   * record's own fault: retrying it as an outage would stop its partition for good.
   */
  static boolean exceedsALimit(Throwable exception) {
    for (Throwable cause = exception; cause != null; cause = next(cause)) {
      if (cause instanceof java.sql.SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("54")) {
        return true;
      }
    }
    return false;
  }

  /** SQLSTATE class 08 (connection exception) and 57P0x (the server is shutting down). */
  private static boolean isConnectionState(Throwable cause) {
    if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
      String state = sql.getSQLState();
      return state.startsWith("08") || state.startsWith("57P0");
    }
    return false;
  }

  private static Throwable next(Throwable cause) {
    return cause.getCause() == cause ? null : cause.getCause();
  }
}
