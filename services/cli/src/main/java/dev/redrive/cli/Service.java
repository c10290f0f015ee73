package dev.redrive.cli;

/** The three Redrive services the CLI talks to, and where each one's address can be set. */
enum Service {
  RUNNER("phase-runner", "--runner-url", "REDRIVE_RUNNER_URL", "runner-url", 8091),
  COORDINATOR(
      "retry-coordinator", "--coordinator-url", "REDRIVE_COORDINATOR_URL", "coordinator-url", 8092),
  AUDIT("audit", "--audit-url", "REDRIVE_AUDIT_URL", "audit-url", 8093);

  private final String displayName;
  private final String option;
  private final String environmentVariable;
  private final String configKey;
  private final int defaultPort;

  Service(
      String displayName,
      String option,
      String environmentVariable,
      String configKey,
      int defaultPort) {
    this.displayName = displayName;
    this.option = option;
    this.environmentVariable = environmentVariable;
    this.configKey = configKey;
    this.defaultPort = defaultPort;
  }

  String displayName() {
    return displayName;
  }

  String option() {
    return option;
  }

  String environmentVariable() {
    return environmentVariable;
  }

  String configKey() {
    return configKey;
  }

  String defaultUrl() {
    return "http://localhost:" + defaultPort;
  }

  /** Where a user changes this service's address, for messages. */
  String howToSet() {
    return option + ", " + environmentVariable + " or " + configKey + " in the config file";
  }
}
