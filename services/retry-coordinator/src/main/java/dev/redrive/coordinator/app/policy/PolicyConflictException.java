package dev.redrive.coordinator.app.policy;

/**
 * A change that cannot be made as asked: the policies moved on since the caller read them ({@code
 * expectedVersion}), or there are too many per-execution overrides. Answered 409 with this message.
 */
public class PolicyConflictException extends RuntimeException {

  private final String field;

  /**
   * @param field the request member to change ({@code expectedVersion}), or null
   */
  public PolicyConflictException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
