package dev.redrive.runner.app;

/** A diff request whose attempt numbers cannot be compared as given (REST 400, naming them). */
public class InvalidDiffRequestException extends RequestRefusedException {

  public InvalidDiffRequestException(String message) {
    super(message);
  }
}
