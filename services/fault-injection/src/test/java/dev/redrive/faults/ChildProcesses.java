package dev.redrive.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Launching JVMs on this test's own classpath, and making sure none outlives the test JVM (a
 * shutdown hook kills whatever a failed test left behind).
 */
final class ChildProcesses {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-child-processes"));
  }

  private ChildProcesses() {}

  /** Starts {@code java <jvmArgs> -cp <our classpath> mainClass args}, output appended to log. */
  static Process launch(List<String> jvmArgs, String mainClass, List<String> args, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.redrive");
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    try {
      Files.createDirectories(log.getParent());
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      LIVE.add(process);
      process.onExit().thenRun(() -> LIVE.remove(process));
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + mainClass, e);
    }
  }

  /** Kills a child at once (SIGKILL: no shutdown hook, no clean close) and waits for its end. */
  static void kill(Process process) {
    // the processes it started die with it, as in a container
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    waitFor(process);
  }

  /** Asks a child to stop (SIGTERM: Spring closes its context) and waits for its end. */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        kill(process);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
    }
  }

  private static void waitFor(Process process) {
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last lines of a log, for failure messages. */
  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
