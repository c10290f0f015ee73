package dev.redrive.cli;

import picocli.CommandLine.Option;

/**
 * {@code --requested-by}: who asks, for the audit trail, on every command that changes something.
 */
final class RequesterOption {

  @Option(
      names = "--requested-by",
      paramLabel = "NAME",
      description = "who asks, for the audit trail (default: your user name)")
  String requestedBy;

  /** The name given, else the user's login name. */
  String name(Console console) {
    return requestedBy != null
        ? requestedBy
        : console.environment().getOrDefault("USER", System.getProperty("user.name"));
  }
}
