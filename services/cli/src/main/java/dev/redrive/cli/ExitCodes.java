package dev.redrive.cli;

/** The exit codes of every {@code redrive} command; scripts may rely on them. */
final class ExitCodes {

  /** The command did what was asked. */
  static final int OK = 0;

  /** Anything not covered below (a 400 or 401 from a server, an unexpected answer...). */
  static final int FAILURE = 1;

  /** The command line was wrong: unknown option, missing argument, unreadable file. */
  static final int USAGE = 2;

  /** The server refused (409, e.g. a retry of an execution that is not failed), or paused. */
  static final int REFUSED = 3;

  /** The execution, attempt or report does not exist (404). */
  static final int NOT_FOUND = 4;

  /** A server could not be reached (connection refused, unknown host, time-out). */
  static final int UNREACHABLE = 5;

  /** The footer of every command's {@code --help}. */
  static final String[] HELP_FOOTER = {
    "",
    "Exit codes:",
    "  0  ok",
    "  1  any other error (a 400 or 401 answer, an unexpected answer)",
    "  2  usage error (unknown option, missing argument, unreadable file)",
    "  3  refused by the server (409), or the execution paused (start --wait)",
    "  4  not found (404)",
    "  5  a server could not be reached (connection refused, time-out)",
    "",
    "Servers and tokens, first found wins:",
    "  flags        --runner-url, --coordinator-url, --audit-url, --token (all three)",
    "  environment  REDRIVE_RUNNER_URL, REDRIVE_COORDINATOR_URL, REDRIVE_AUDIT_URL,",
    "               REDRIVE_RUNNER_TOKEN, REDRIVE_COORDINATOR_TOKEN, REDRIVE_AUDIT_TOKEN,",
    "               else REDRIVE_API_TOKEN for all three",
    "  config file  --config FILE, else ~/.config/redrive/config.properties",
    "               (keys runner-url, coordinator-url, audit-url, runner-token,",
    "               coordinator-token, audit-token, else token for all three)",
    "  defaults     http://localhost:8091, :8092, :8093",
    "Each token is sent only to its own service, and no redirect is followed."
  };

  private ExitCodes() {}

  /** The exit code for an HTTP error status. */
  static int forStatus(int status) {
    return switch (status) {
      case 404 -> NOT_FOUND;
      case 409 -> REFUSED;
      default -> FAILURE;
    };
  }
}
