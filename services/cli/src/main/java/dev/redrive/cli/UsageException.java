package dev.redrive.cli;

/** The user asked for something the command cannot do as written (exit code 2). */
final class UsageException extends RuntimeException {

  UsageException(String message) {
    super(message);
  }
}
