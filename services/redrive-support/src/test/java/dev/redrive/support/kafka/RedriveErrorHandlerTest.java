package dev.redrive.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.support.avro.SchemaRegistryException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.util.backoff.FixedBackOff;

/** Which failures are the record's fault (dead-letter) and which an outage (wait it out). */
class RedriveErrorHandlerTest {

  private final RedriveErrorHandler handler =
      new RedriveErrorHandler((record, e) -> {}, new FixedBackOff(0, 2), new FixedBackOff(0, 99));

  @Test
  void shouldRetryARecordThatCouldNotBeDecodedBecauseTheRegistryIsDown() {
    var unreachable =
        new SchemaRegistryException(
            "http://registry:8081 unreachable", -1, -1, new ConnectException("refused"));
    var undecodable = decodingFailure(unreachable);

    assertThat(Outages.isOutage(undecodable)).isTrue();
    assertThat(handler.getExceptionMatcher().match(undecodable)).isTrue();
  }

  @Test
  void shouldRetryWhenTheRegistryAnswersWithAServerError() {
    assertThat(
            Outages.isOutage(decodingFailure(new SchemaRegistryException("busy", 503, -1, null))))
        .isTrue();
  }

  @Test
  void shouldDeadLetterARecordWhoseSchemaIdTheRegistryDoesNotKnow() {
    var unknownId =
        decodingFailure(
            new SchemaRegistryException(
                "no such id", 404, SchemaRegistryException.SCHEMA_NOT_FOUND, null));

    assertThat(Outages.isOutage(unknownId)).isFalse();
    assertThat(handler.getExceptionMatcher().match(unknownId)).isFalse();
  }

  @Test
  void shouldDeadLetterBytesThatAreNotAvroAtOnce() {
    var garbage = decodingFailure(null);

    assertThat(handler.getExceptionMatcher().match(garbage)).isFalse();
  }

  @Test
  void shouldDeadLetterAnInvalidEventAtOnce() {
    var invalid =
        new ListenerExecutionFailedException("listener failed", new InvalidEventException("no id"));

    assertThat(handler.getExceptionMatcher().match(invalid)).isFalse();
  }

  @Test
  void shouldWaitOutADatabaseThatRefusesConnections() {
    var noConnection =
        new ListenerExecutionFailedException(
            "listener failed",
            new CannotGetJdbcConnectionException(
                "Failed to obtain JDBC Connection", new SQLException("refused", "08001")));
    var droppedMidTransaction =
        new UncategorizedSQLException(
            "commit", "COMMIT", new SQLException("An I/O error occurred", "08006"));

    assertThat(Outages.isOutage(noConnection)).isTrue();
    assertThat(Outages.isOutage(droppedMidTransaction)).isTrue();
    assertThat(handler.getExceptionMatcher().match(noConnection)).isTrue();
  }

  @Test
  void shouldWaitOutADatabaseThatWentAwayMidTransactionWhenTheRollbackFailedToo() {
    // what TransactionTemplate throws: the rollback's failure, the outage kept as its cause
    var rollbackFailed =
        new TransactionSystemException(
            "Could not roll back JDBC transaction", new SQLException("Connection is closed"));
    rollbackFailed.initApplicationException(
        new DataAccessResourceFailureException(
            "An I/O error occurred while sending to the backend",
            new SQLException("An I/O error occurred", "08006")));
    var batchFailed =
        new ListenerExecutionFailedException(
            "listener failed", new BatchListenerFailedException("failed", rollbackFailed, 0));

    assertThat(Outages.isOutage(batchFailed)).isTrue();
    assertThat(
            Outages.isOutage(
                new TransactionSystemException(
                    "Could not roll back JDBC transaction",
                    new SQLException("Connection is closed"))))
        .as("a failed rollback alone does not say why the transaction failed")
        .isFalse();
  }

  @Test
  void shouldNotWaitOutAValueTooLargeForPostgreSqlSinceNoRetryCanStoreIt() {
    // found by fault case 10: a 900 kB phase name is "index row requires 900016 bytes" (SQLSTATE
    // 54000), which Spring translates to TransientDataAccessResourceException; taken for an outage,
    // it stopped its partition for good
    var indexRowTooLarge =
        new ListenerExecutionFailedException(
            "listener failed",
            new TransientDataAccessResourceException(
                "PreparedStatementCallback",
                new SQLException(
                    "index row requires 900016 bytes, maximum size is 8191", "54000")));

    assertThat(Outages.isOutage(indexRowTooLarge)).isFalse();
    assertThat(handler.getExceptionMatcher().match(indexRowTooLarge)).isTrue();
  }

  @Test
  void shouldRetryAFailingHandlerAFewTimesWithoutCallingItAnOutage() {
    var bug = new ListenerExecutionFailedException("listener failed", new IllegalStateException());

    assertThat(Outages.isOutage(bug)).isFalse();
    assertThat(handler.getExceptionMatcher().match(bug)).isTrue();
  }

  private static DeserializationException decodingFailure(Throwable registryProblem) {
    return new DeserializationException(
        "failed to deserialize",
        new byte[] {0, 0, 0, 0, 7},
        false,
        new SerializationException("Cannot fetch the schema with id 7", registryProblem));
  }
}
