package dev.redrive.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.redrive.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

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

  private static final String ANSWER = "redrive-pipe ";

  /** How long an answer may take: closing a pipe closes its clients, each within 5 s or so. */
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);

  private final ChildJvm child;

  private PipeProcess(ChildJvm child) {
    this.child = child;
  }

  /**
   * Starts {@code command}, a JVM whose main method calls {@link #serve(String)}, and waits until
   * it answers.
   */
  static PipeProcess launch(List<String> command) {
    PipeProcess pipes = new PipeProcess(ChildJvm.launch("pipe", command, ANSWER));
    try {
      pipes.call("ready", ANSWER_TIMEOUT);
      return pipes;
    } catch (RuntimeException e) {
      pipes.child.kill();
      throw e;
    }
  }

  /** The pipe JVM's process id (its compilers' CPU is read from {@code /proc/<pid>}). */
  long pid() {
    return child.pid();
  }

  /**
   * A pipe from {@code input} to {@code output} consuming as {@code group}, made in the child JVM;
   * it starts when {@link Pipe#start()} is called. One pipe at a time: close it before the next.
   */
  Pipe open(String input, String output, String group, boolean transactional) {
    call(String.join(" ", "open", input, output, group, Boolean.toString(transactional)));
    return new Pipe();
  }

  private String call(String command) {
    return call(command, ANSWER_TIMEOUT);
  }

  /** One command, one answer: what follows "ok", or an exception with the child's error. */
  private synchronized String call(String command, Duration timeout) {
    child.send(command);
    String answer = child.awaitAnswer(timeout);
    if (answer.equals("ok") || answer.startsWith("ok ")) {
      return answer.substring(Math.min(answer.length(), 3));
    }
    throw new IllegalStateException("the pipe's JVM, on '" + command + "': " + answer);
  }

  /** Closes the child's standard input, which ends it, and waits for it. */
  @Override
  public void close() {
    child.close();
  }

  /** The pipe the child JVM runs. */
  final class Pipe implements Contender {

    private Pipe() {}

    /** Starts consuming as soon as the group gives the pipe's consumer its partitions. */
    void start() {
      call("start");
    }

    @Override
    public void startHeld() {
      call("start-held");
    }

    @Override
    public void awaitHeld(Duration timeout) {
      awaitAssigned(timeout);
    }

    @Override
    public void release() {
      call("release");
    }

    /** Waits until the group has given the pipe's consumer its partitions. */
    void awaitAssigned(Duration timeout) {
      call("await-assigned " + timeout.toMillis(), timeout.plus(ANSWER_TIMEOUT));
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
    // only answers on standard output, in UTF-8 as the parent reads them; whatever else writes to
    // System.out goes to standard error
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
    System.setOut(System.err);
    var lines = new BufferedReader(new InputStreamReader(System.in, UTF_8));
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
                    throw new IllegalStateException("a pipe is open; close it first");
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
                case "start-held" -> {
                  opened(pipe).startHeld();
                  yield "";
                }
                case "release" -> {
                  opened(pipe).release();
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
          out.println(ANSWER + "ok " + answer);
        } catch (Exception e) {
          out.println(ANSWER + "error " + oneLine(e.toString()));
        }
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
