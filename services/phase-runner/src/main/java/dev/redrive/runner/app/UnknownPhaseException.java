package dev.redrive.runner.app;

import java.util.List;

/** A command or request names a phase the execution's pipeline does not have (REST 400; DLT). */
public class UnknownPhaseException extends RequestRefusedException {

  private final List<String> validPhases;

  public UnknownPhaseException(String message, List<String> validPhases) {
    super(message);
    this.validPhases = List.copyOf(validPhases);
  }

  public List<String> validPhases() {
    return validPhases;
  }
}
