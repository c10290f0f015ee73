package dev.redrive.local;

import java.nio.file.Path;
import java.util.List;

/**
 * The launcher's command line.
 *
 * @param data the data folder (default {@code ~/.redrive/local})
 * @param fresh delete the data folder's content first
 * @param pipelines the folder of pipeline files (default {@code <data>/pipelines})
 * @param demo run the demo executions after start
 * @param help print the usage and stop
 */
record LocalOptions(Path data, boolean fresh, Path pipelines, boolean demo, boolean help) {

  static final String USAGE =
      """
      Usage: java -jar redrive-local-exec.jar [--data DIR] [--fresh] [--pipelines DIR] [--no-demo]

      Runs Redrive on this machine in one JVM: an embedded Kafka broker, PostgreSQL, a schema
      registry and the three services. Everything they keep lives in the data folder, so a restart
      goes on where the last run stopped (scheduled retries fire, attempts cut off are INTERRUPTED).

        --data DIR        the data folder (default ~/.redrive/local); one launcher at a time
        --fresh           delete the data folder's content first and start clean
        --pipelines DIR   read pipeline files (*.yaml) from DIR (default DIR = <data>/pipelines,
                          filled with the demo pipelines on first start); new and changed files
                          are picked up within 2 seconds, a bad one is reported and skipped
        --no-demo         do not run the demo executions
        --help            print this

        -Dredrive.local.port=8091 (before -jar) moves the HTTP ports: runner, coordinator, audit,
        schema registry = that port, +1, +2, +3.
      More: docs/local.md
      """;

  /**
   * Reads the arguments.
   *
   * @throws IllegalArgumentException naming the argument that is wrong
   */
  static LocalOptions parse(List<String> args, Path home) {
    Path data = null;
    Path pipelines = null;
    boolean fresh = false;
    boolean demo = true;
    boolean help = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String value = null;
      String name = arg;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      }
      switch (name) {
        case "--data", "--pipelines" -> {
          if (value == null) {
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
              throw new IllegalArgumentException(name + " needs a folder: " + name + " DIR");
            }
            value = args.get(++i);
          }
          if (value.isBlank() || value.length() > 4096) {
            throw new IllegalArgumentException(
                name + " needs a folder name of 1 to 4096 characters");
          }
          if (name.equals("--data")) {
            data = Path.of(value);
          } else {
            pipelines = Path.of(value);
          }
        }
        case "--fresh" -> fresh = true;
        case "--no-demo" -> demo = false;
        case "--help", "-h" -> help = true;
        default ->
            throw new IllegalArgumentException(
                "unknown argument '" + arg + "'; see --help for the options");
      }
    }
    if (data == null) {
      data = home.resolve(".redrive").resolve("local");
    }
    return new LocalOptions(
        data.toAbsolutePath().normalize(),
        fresh,
        pipelines == null ? null : pipelines.toAbsolutePath().normalize(),
        demo,
        help);
  }
}
