package dev.redrive.runner.process;

import dev.redrive.runner.workspace.FileTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a phase process runs: in a bubblewrap ({@code bwrap}) sandbox, or (when none is available
 * and the settings allow it) directly. In the sandbox a phase sees a read-only system (/usr, /bin,
 * /lib*, /etc without its secrets), a private /tmp, a fresh /proc of its own PID namespace (so not
 * the runner's process or its environment), and its own workspace as the only writable folder: not
 * the workspaces root, other executions' workspaces or the runner's files. The network stays
 * (phases call tools and services). Killing the sandbox kills every process in it, {@code setsid}
 * ones included, and the sandbox dies with the runner.
 */
public final class Sandbox {

  /** The setting that chooses what happens without a working sandbox. */
  public static final String SETTING = "redrive.runner.sandbox";

  /** How strictly the runner wants a sandbox ({@value #SETTING}). */
  public enum Mode {
    /** Refuse to start without a working sandbox. */
    REQUIRED,
    /** Use the sandbox when it works; otherwise warn at start and run phases directly. */
    AUTO,
    /** Run phases directly (only for machines where a phase is as trusted as the runner). */
    OFF
  }

  /** Home and temporary folder of a sandboxed phase: its private /tmp. */
  static final String SANDBOX_TMP = "/tmp";

  /** Read-only system folders a phase may use, each only when it exists on the host. */
  private static final List<String> SYSTEM_DIRS =
      List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt");

  /**
   * Secrets under /etc that a phase never sees (files are hidden by /dev/null, folders by tmpfs).
   */
  private static final List<String> HIDDEN_FILES =
      List.of("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers");

  private static final List<String> HIDDEN_DIRS =
      List.of("/etc/ssh", "/etc/ssl/private", "/etc/sudoers.d", "/etc/redrive");

  private final Path program;

  private Sandbox(Path program) {
    this.program = program;
  }

  /** Phases run directly, unconfined. */
  public static Sandbox none() {
    return new Sandbox(null);
  }

  /** Phases run in bubblewrap, started from the given program. */
  public static Sandbox bubblewrap(Path program) {
    return new Sandbox(program);
  }

  /** Whether phases run in a sandbox. */
  public boolean active() {
    return program != null;
  }

  /** What the sandbox is, for the start-up line and the metric: "bubblewrap" or "none". */
  public String kind() {
    return active() ? "bubblewrap" : "none";
  }

  /**
   * The argv that runs {@code command} in {@code workingDir} with {@code workspace} (an absolute,
   * normalized folder) as the only writable place; the command itself unchanged when there is no
   * sandbox. The environment is not in the argv (where anyone on the host could read it in {@code
   * ps}): the process is started with exactly the phase's variables and bubblewrap passes them on.
   */
  public List<String> wrap(List<String> command, Path workspace, Path workingDir) {
    if (!active()) {
      return List.copyOf(command);
    }
    List<String> argv = new ArrayList<>();
    argv.add(program.toString());
    argv.addAll(
        List.of(
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try"));
    for (String dir : SYSTEM_DIRS) {
      if (Files.exists(Path.of(dir))) {
        argv.addAll(List.of("--ro-bind", dir, dir));
      }
    }
    for (String file : HIDDEN_FILES) {
      if (Files.isRegularFile(Path.of(file))) {
        argv.addAll(List.of("--ro-bind", "/dev/null", file));
      }
    }
    for (String dir : HIDDEN_DIRS) {
      if (Files.isDirectory(Path.of(dir))) {
        argv.addAll(List.of("--tmpfs", dir));
      }
    }
    argv.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", SANDBOX_TMP));
    // the workspace's parent (the workspaces root) is an empty read-only folder in the sandbox, so
    // neither other workspaces nor "../escaped.txt" exist there; so is everything outside /tmp
    Path parent = workspace.getParent();
    boolean hideParent =
        parent != null && parent.getParent() != null && !parent.equals(Path.of(SANDBOX_TMP));
    if (hideParent) {
      argv.addAll(List.of("--tmpfs", parent.toString()));
    }
    argv.addAll(List.of("--bind", workspace.toString(), workspace.toString()));
    if (hideParent) {
      argv.addAll(List.of("--remount-ro", parent.toString()));
    }
    argv.addAll(List.of("--remount-ro", "/", "--chdir", workingDir.toString(), "--"));
    argv.addAll(command);
    return argv;
  }

  /** The variables a sandboxed phase sees in place of the runner's HOME and TMPDIR. */
  Map<String, String> environmentOverrides() {
    return active() ? Map.of("HOME", SANDBOX_TMP, "TMPDIR", SANDBOX_TMP) : Map.of();
  }

  /** What the probe at start found: a sandbox that works, or why there is none. */
  public record Probe(Sandbox sandbox, String problem) {}

  /**
   * Tries the sandbox once: {@code program} must start {@code true} in a sandbox around a scratch
   * folder within 10 seconds.
   */
  public static Probe probe(String program) {
    Path binary = locate(program);
    if (binary == null) {
      return new Probe(none(), "no executable '%s' found (install bubblewrap)".formatted(program));
    }
    Sandbox candidate = bubblewrap(binary);
    Path scratch;
    try {
      scratch = Files.createTempDirectory("redrive-sandbox-probe-").toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a folder to probe the sandbox in", e);
    }
    try {
      Process process =
          new ProcessBuilder(candidate.wrap(List.of("true"), scratch, scratch))
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Probe(none(), binary + " did not finish a probe within 10 s");
      }
      if (process.exitValue() != 0) {
        return new Probe(
            none(),
            "%s failed a probe (exit code %d): %s".formatted(binary, process.exitValue(), output));
      }
      return new Probe(candidate, null);
    } catch (IOException e) {
      return new Probe(none(), binary + " could not start: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Probe(none(), "interrupted while probing " + binary);
    } finally {
      FileTree.deleteTree(scratch);
    }
  }

  /**
   * The decision at start: the sandbox the runner uses for the mode and what the probe found.
   * Throws, naming {@value #SETTING}, when the mode requires a sandbox that does not work.
   */
  public static Sandbox choose(Mode mode, Probe probe) {
    if (mode == Mode.OFF) {
      return none();
    }
    if (probe.sandbox().active()) {
      return probe.sandbox();
    }
    if (mode == Mode.REQUIRED) {
      throw new IllegalStateException(
          "%s=required but no phase sandbox works: %s. Install bubblewrap (Debian/Ubuntu package"
                  .formatted(SETTING, probe.problem())
              + " 'bubblewrap'), allow it in the container (see deploy/README.md), or set "
              + SETTING
              + "=auto to run phases unconfined");
    }
    return none();
  }

  private static Path locate(String program) {
    if (program.contains("/")) {
      Path path = Path.of(program);
      return Files.isExecutable(path) ? path : null;
    }
    String searchPath = System.getenv("PATH");
    for (String dir : (searchPath == null ? "/usr/bin:/bin" : searchPath).split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Path.of(dir, program);
      }
    }
    return null;
  }
}
