package dev.redrive.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command sees of the world besides its arguments: where it prints, the environment and the
 * home folder. The real ones in {@link RedriveCli#main}, made-up ones in tests.
 */
record Console(PrintWriter out, PrintWriter err, Map<String, String> environment, Path home) {}
