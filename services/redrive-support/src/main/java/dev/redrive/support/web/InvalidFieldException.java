package dev.redrive.support.web;

/**
 * A request member or parameter has a value the service cannot take; answered 400 with a problem
 * detail that names it ({@code field}) and says what to change. Throw it before anything runs.
 */
public class InvalidFieldException extends RuntimeException {

  private final String field;

  /**
   * @param field the JSON member or query parameter, as the client spells it
   * @param message what is wrong and what is allowed, e.g. "limit must be 1-5000, was 0"
   */
  public InvalidFieldException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
