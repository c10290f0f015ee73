package dev.redrive.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code redrive completion}: prints a bash (and zsh) completion script for every command and
 * option.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    header = "Print the shell completion script (bash, zsh).",
    description = {
      "Prints a completion script for bash and zsh. To use it now:",
      "  source <(redrive completion)",
      "or for every new shell:",
      "  redrive completion > ~/.local/share/bash-completion/completions/redrive"
    })
final class CompletionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  private final Console console;

  CompletionCommand(Console console) {
    this.console = console;
  }

  @Override
  public Integer call() {
    CommandLine root = spec.commandLine().getParent();
    console.out().print(AutoComplete.bash(root.getCommandName(), root));
    console.out().flush();
    return ExitCodes.OK;
  }
}
