package dev.redrive.coordinator.app.deadletter;

/** A replay that cannot run as asked (REST 400), naming the member to change. */
public class ReplayRefusedException extends RuntimeException {

  private final String field;

  public ReplayRefusedException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
