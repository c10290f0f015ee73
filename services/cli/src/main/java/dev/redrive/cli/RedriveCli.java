package dev.redrive.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code redrive}: start, follow, inspect and retry executions from a terminal or a script. Talks
 * to the services' REST APIs (docs/rest-api.md); exit codes in {@link ExitCodes}.
 */
@Command(
    name = "redrive",
    mixinStandardHelpOptions = true,
    versionProvider = RedriveCli.Version.class,
    header = "Redrive: recoverable failures for multi-phase pipelines.",
    description =
        "Start executions, follow them, look at what failed and why, and retry them. Every"
            + " command takes --help, --json (the server's JSON, for scripts) and the server"
            + " options shown by its --help.",
    subcommands = {
      StartCommand.class,
      ListCommand.class,
      StatusCommand.class,
      ExplainCommand.class,
      RetryCommand.class,
      InspectCommand.class,
      FingerprintsCommand.class,
      EventsCommand.class,
      ReportCommand.class,
      DiffCommand.class,
      CancelCommand.class,
      ResumeCommand.class,
      PipelinesCommand.class,
      PauseCommand.class,
      UnpauseCommand.class,
      PolicyCommand.class,
      OutboxCommand.class,
      DltCommand.class,
      CompletionCommand.class
    })
public final class RedriveCli {

  public static void main(String[] args) {
    Console console =
        new Console(
            new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
            new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
            System.getenv(),
            Path.of(System.getProperty("user.home")));
    int exitCode = execute(console, args);
    console.out().flush();
    console.err().flush();
    System.exit(exitCode);
  }

  /**
   * Runs one command line as {@link #main} does, but prints to the given writers and reads the
   * given environment and home folder instead of the process's; answers the exit code.
   */
  public static int run(
      PrintWriter out,
      PrintWriter err,
      Map<String, String> environment,
      Path home,
      String... args) {
    return execute(new Console(out, err, environment, home), args);
  }

  /** Runs one command line and answers its exit code ({@link ExitCodes}). */
  static int execute(Console console, String... args) {
    return commandLine(console).execute(args);
  }

  static CommandLine commandLine(Console console) {
    CommandLine cli = new CommandLine(RedriveCli.class, new Factory(console));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(console.out());
    cli.setErr(console.err());
    cli.setExitCodeExceptionMapper(e -> ExitCodes.FAILURE);
    cli.setParameterExceptionHandler(RedriveCli::usageError);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("Error: " + describe(e));
          return ExitCodes.FAILURE;
        });
    footer(cli);
    return cli;
  }

  private static void footer(CommandLine cli) {
    cli.getCommandSpec().usageMessage().footer(ExitCodes.HELP_FOOTER);
    cli.getSubcommands().values().forEach(RedriveCli::footer);
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("Error: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println(
        "Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    return ExitCodes.USAGE;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** Builds commands with the {@link Console} they print to. */
  private record Factory(Console console) implements IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        Constructor<K> constructor = type.getDeclaredConstructor(Console.class);
        constructor.setAccessible(true);
        return constructor.newInstance(console);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = RedriveCli.class.getPackage().getImplementationVersion();
      return new String[] {"redrive " + (version == null ? "(development build)" : version)};
    }
  }
}
