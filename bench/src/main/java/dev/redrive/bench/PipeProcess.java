package dev.redrive.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The raw pipe ({@link RawPipe}) in a JVM of its own, as a plain consume-produce application runs
 * in production: the coordinator's JVM then compiles only what the coordinator runs. In one JVM the
 * pipe's Kafka clients and the coordinator's shared the same client code, and each run of one
 * recompiled what the other had left (2026-12-07: 100 C2 compilations, 3.5 s of compiling, in a
 * measured Redrive run after four warm-ups, led by the Kafka selector's poll loop).
 *
 * <p>The child JVM runs {@link #serve(String)} and is told what to do one line at a time on its
 * standard input; it answers each line with one line on its standard output. It ends when its
 * standard input closes, which is also what happens when the benchmark dies. Anything else it
 * prints goes to this JVM's standard error.
 */
final class PipeProcess implements AutoCloseable {

  private static final String REPLY = "redrive-pipe ";

  private final Process process;
  private final BufferedReader replies;
  private final Writer commands;

  private PipeProcess(Process process) {
    this.process = process;
    this.replies =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  /**
   * Starts {@code command}, a JVM whose main method calls {@link #serve(String)}, and waits until
   * it answers.
   */
  static PipeProcess launch(List<String> command) {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the pipe's JVM: " + command, e);
    }
    PipeProcess pipes = new PipeProcess(process);
    try {
      pipes.call("ready");
      return pipes;
    } catch (RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** The pipe JVM's process id (its compilers' CPU is read from {@code /proc/<pid>}). */
  long pid() {
    return process.pid();
  }

  /**
   * A pipe from {@code input} to {@code output} consuming as {@code group}, made in the child JVM;
   * it starts when {@link Pipe#start()} is called.
   */
  Pipe open(String input, String output, String group, boolean transactional) {
    call(String.join(" ", "open", input, output, group, Boolean.toString(transactional)));
    return new Pipe();
  }

  /** One command, one answer: what follows "ok", or an exception with the child's error. */
  private synchronized String call(String command) {
    try {
      commands.write(command + "\n");
      commands.flush();
      for (String line; (line = replies.readLine()) != null; ) {
        if (!line.startsWith(REPLY)) {
          System.err.println("[pipe] " + line);
        } else if (line.startsWith(REPLY + "ok")) {
          return line.substring(Math.min(line.length(), (REPLY + "ok ").length()));
        } else {
          throw new IllegalStateException(
              "the pipe's JVM, on '" + command + "': " + line.substring(REPLY.length()));
        }
      }
      throw new IllegalStateException("the pipe's JVM ended (on '" + command + "')");
    } catch (IOException e) {
      throw new UncheckedIOException("the pipe's JVM did not take '" + command + "'", e);
    }
  }

  /** Closes the child's standard input, which ends it, and waits for it. */
  @Override
  public void close() {
    try {
      commands.close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** The pipe the child JVM runs, one at a time. */
  final class Pipe implements Contender {

    private Pipe() {}

    @Override
    public void start() {
      call("start");
    }

    /** Waits until the group has given the pipe's consumer its partitions. */
    void awaitAssigned(Duration timeout) {
      call("await-assigned " + timeout.toMillis());
    }

    @Override
    public RuntimeException failure() {
      String failure = call("failure");
      return failure.isEmpty() ? null : new IllegalStateException("the pipe failed: " + failure);
    }

    @Override
    public String stats() {
      return call("stats");
    }

    /** {@link RawPipe#transactionStats()}. */
    String transactionStats() {
      return call("transaction-stats");
    }

    @Override
    public void close() {
      call("close");
    }
  }

  /**
   * The child's side: runs the pipes it is told to on the broker at {@code bootstrapServers}, one
   * at a time, until standard input closes.
   */
  static void serve(String bootstrapServers) throws Exception {
    PrintStream out = System.out;
    // only answers on standard output; whatever else writes to it goes to standard error
    System.setOut(System.err);
    var lines = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    RawPipe pipe = null;
    try {
      for (String line; (line = lines.readLine()) != null; ) {
        String[] words = line.split(" ");
        String answer;
        try {
          answer =
              switch (words[0]) {
                case "ready" -> "";
                case "open" -> {
                  if (pipe != null) {
                    pipe.close();
                  }
                  pipe =
                      new RawPipe(
                          bootstrapServers,
                          words[1],
                          words[2],
                          words[3],
                          Boolean.parseBoolean(words[4]));
                  yield "";
                }
                case "start" -> {
                  opened(pipe).start();
                  yield "";
                }
                case "await-assigned" -> {
                  opened(pipe).awaitAssigned(Duration.ofMillis(Long.parseLong(words[1])));
                  yield "";
                }
                case "failure" -> {
                  RuntimeException failure = opened(pipe).failure();
                  yield failure == null ? "" : oneLine(failure.toString());
                }
                case "stats" -> opened(pipe).stats();
                case "transaction-stats" -> opened(pipe).transactionStats();
                case "close" -> {
                  opened(pipe).close();
                  pipe = null;
                  yield "";
                }
                default -> throw new IllegalArgumentException("unknown command " + words[0]);
              };
          out.println(REPLY + "ok " + answer);
        } catch (Exception e) {
          out.println(REPLY + "error " + oneLine(e.toString()));
        }
        out.flush();
      }
    } finally {
      if (pipe != null) {
        pipe.close();
      }
    }
  }

  private static RawPipe opened(RawPipe pipe) {
    if (pipe == null) {
      throw new IllegalStateException("no pipe is open");
    }
    return pipe;
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ').replace('\r', ' ');
  }
}
