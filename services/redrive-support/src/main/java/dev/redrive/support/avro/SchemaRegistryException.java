package dev.redrive.support.avro;

/**
 * A schema registry refused a request, answered with an error, or could not be reached.
 *
 * <p>{@link #httpStatus()} and {@link #errorCode()} carry what the registry answered (the Confluent
 * REST API puts an {@code error_code} such as 40401 in its error bodies); both are {@link
 * #NO_ANSWER} when there was no usable answer.
 */
public class SchemaRegistryException extends RuntimeException {

  /** Value of {@link #httpStatus()} and {@link #errorCode()} when the registry gave none. */
  public static final int NO_ANSWER = -1;

  /** Confluent error code: the subject does not exist. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent error code: the subject has no such version. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent error code: no such schema (unknown id, or not registered under the subject). */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent error code: the schema is not compatible with earlier versions of the subject. */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** Confluent error code: the schema is not valid. */
  public static final int INVALID_SCHEMA = 42201;

  private final int httpStatus;
  private final int errorCode;

  /**
   * Creates an exception.
   *
   * @param message what went wrong, naming the registry URL and the subject or id
   * @param httpStatus the HTTP status answered, or {@link #NO_ANSWER}
   * @param errorCode the registry's {@code error_code}, or {@link #NO_ANSWER}
   * @param cause the underlying failure, or {@code null}
   */
  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** Returns the HTTP status the registry answered, or {@link #NO_ANSWER}. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Returns the registry's {@code error_code}, or {@link #NO_ANSWER}. */
  public int errorCode() {
    return errorCode;
  }

  /**
   * Returns whether the registry could not be reached or failed (no answer, 5xx, 408, 429): worth
   * trying again later, unlike an answer about the schema itself.
   */
  public boolean isUnavailable() {
    return httpStatus == NO_ANSWER || httpStatus >= 500 || httpStatus == 408 || httpStatus == 429;
  }

  /** Returns whether the registry said that the subject, version, schema or id does not exist. */
  public boolean isNotFound() {
    return httpStatus == 404;
  }

  static SchemaRegistryException subjectNotFound(String url, String subject) {
    return answered(url, "subject '" + subject + "' not found", 404, SUBJECT_NOT_FOUND);
  }

  static SchemaRegistryException schemaNotRegistered(String url, String subject) {
    return answered(
        url, "schema not registered under subject '" + subject + "'", 404, SCHEMA_NOT_FOUND);
  }

  static SchemaRegistryException idNotFound(String url, int id) {
    return answered(url, "schema id " + id + " not found", 404, SCHEMA_NOT_FOUND);
  }

  static SchemaRegistryException answered(String url, String what, int status, int errorCode) {
    String code = errorCode == NO_ANSWER ? "" : ", error " + errorCode;
    return new SchemaRegistryException(
        "Schema registry at " + url + ": " + what + " (" + status + code + ")",
        status,
        errorCode,
        null);
  }
}
