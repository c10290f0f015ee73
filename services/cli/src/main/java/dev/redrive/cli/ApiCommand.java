package dev.redrive.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the services: resolves the settings, runs, and turns what went wrong into
 * a message and an exit code ({@link ExitCodes}).
 */
abstract class ApiCommand implements Callable<Integer> {

  @Mixin CommonOptions options;

  @Spec CommandSpec spec;

  protected final Console console;

  ApiCommand(Console console) {
    this.console = console;
  }

  /** Does the command's work; errors are thrown, not printed. */
  abstract int run(RedriveClient client) throws Exception;

  @Override
  public Integer call() throws Exception {
    try {
      return run(new RedriveClient(options.settings(console)));
    } catch (UsageException e) {
      err().println("Error: " + e.getMessage());
      err().println("Try '" + spec.qualifiedName() + " --help' for more information.");
      return ExitCodes.USAGE;
    } catch (ApiException e) {
      return failed(e);
    } catch (UnreachableException e) {
      err().println(e.getMessage());
      return ExitCodes.UNREACHABLE;
    } catch (UncheckedIOException e) {
      err().println("Error: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
  }

  /** Prints an error answer (the server's JSON with {@code --json}) and picks the exit code. */
  int failed(ApiException e) {
    if (json() && e.problem() != null) {
      out().println(e.body());
    }
    String prefix =
        switch (e.status()) {
          case 404 -> "Not found: ";
          case 409 -> "Refused: ";
          case 401 -> "Unauthorized (set " + e.service().howToSetToken() + "): ";
          default -> "Error: ";
        };
    err().println(prefix + e.explanation());
    return ExitCodes.forStatus(e.status());
  }

  /** Whether the command prints JSON ({@code --json}, {@code -o json} or {@code -o jsonl}). */
  boolean json() {
    return options.output() != CommonOptions.Output.TABLE;
  }

  CommonOptions.Output output() {
    return options.output();
  }

  PrintWriter out() {
    return console.out();
  }

  PrintWriter err() {
    return console.err();
  }

  /** The characters of an id, as every service checks them (InputLimits). */
  private static final java.util.regex.Pattern ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

  /**
   * An id as one URL path segment; a value no service would take as an id (such as {@code
   * ../../etc}) is a usage error here, before any request.
   */
  static String segment(String value) {
    if (!ID.matcher(value).matches() || value.equals(".") || value.equals("..")) {
      throw new UsageException(
          "'%s' is not an id: ids are 1 to 128 of A-Z a-z 0-9 . _ : @ -"
              .formatted(value.length() > 140 ? value.substring(0, 140) + "..." : value));
    }
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
