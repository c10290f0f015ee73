package dev.redrive.cli;

import java.util.Locale;

/**
 * The three Redrive services the CLI talks to, and where each one's address and token can be set:
 * for the runner {@code --runner-url}, {@code REDRIVE_RUNNER_URL}, {@code REDRIVE_RUNNER_TOKEN} and
 * the config keys {@code runner-url} and {@code runner-token}.
 */
enum Service {
  RUNNER("phase-runner", "runner", 8091),
  COORDINATOR("retry-coordinator", "coordinator", 8092),
  AUDIT("audit", "audit", 8093);

  private final String displayName;
  private final String shortName;
  private final int defaultPort;

  Service(String displayName, String shortName, int defaultPort) {
    this.displayName = displayName;
    this.shortName = shortName;
    this.defaultPort = defaultPort;
  }

  String displayName() {
    return displayName;
  }

  String option() {
    return "--" + shortName + "-url";
  }

  String environmentVariable() {
    return "REDRIVE_" + shortName.toUpperCase(Locale.ROOT) + "_URL";
  }

  String configKey() {
    return shortName + "-url";
  }

  /** The environment variable with this service's own token. */
  String tokenVariable() {
    return "REDRIVE_" + shortName.toUpperCase(Locale.ROOT) + "_TOKEN";
  }

  /** The config-file key with this service's own token. */
  String tokenKey() {
    return shortName + "-token";
  }

  String defaultUrl() {
    return "http://localhost:" + defaultPort;
  }

  /** Where a user changes this service's address, for messages. */
  String howToSet() {
    return option() + ", " + environmentVariable() + " or " + configKey() + " in the config file";
  }

  /** Where a user sets the token this service takes, for messages. */
  String howToSetToken() {
    return "--token, "
        + tokenVariable()
        + ", "
        + Settings.TOKEN_VARIABLE
        + " or "
        + tokenKey()
        + " in the config file";
  }
}
