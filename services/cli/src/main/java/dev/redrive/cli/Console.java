package dev.redrive.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command sees of the world besides its arguments: where it prints, the environment and the
 * home folder. The real ones in {@link RedriveCli#main}, made-up ones in tests. Both writers escape
 * control characters ({@link TerminalText}): what a command prints comes largely from the services
 * (phase output, error messages, notes), and none of it may drive the terminal.
 */
record Console(PrintWriter out, PrintWriter err, Map<String, String> environment, Path home) {

  Console {
    out = TerminalText.safe(out);
    err = TerminalText.safe(err);
  }
}
