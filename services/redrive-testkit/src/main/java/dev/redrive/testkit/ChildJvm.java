package dev.redrive.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM that this one starts and talks to in lines: it writes lines to the child's standard input,
 * and takes the lines of the child's standard output that start with the child's answer prefix as
 * its answers. A thread reads the child's output all the time, so the child never blocks on a full
 * pipe, and every other line it prints goes to this JVM's standard error under the child's name.
 * Closing the child's standard input is how it is told to end, which is also what happens when this
 * JVM dies, so no child outlives it.
 */
public final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Writer input;

  /** The child's answers; empty once its output ended. */
  private final BlockingQueue<Optional<String>> answers = new LinkedBlockingQueue<>();

  private ChildJvm(String name, Process process, String answerPrefix) {
    this.name = name;
    this.process = process;
    this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    var output =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread reader =
        new Thread(
            () -> {
              try {
                for (String line; (line = output.readLine()) != null; ) {
                  if (line.startsWith(answerPrefix)) {
                    answers.add(Optional.of(line.substring(answerPrefix.length())));
                  } else {
                    System.err.println("[" + name + "] " + line);
                  }
                }
              } catch (IOException e) {
                System.err.println("[" + name + "] output unreadable: " + e);
              } finally {
                answers.add(Optional.empty());
              }
            },
            name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code command}, a JVM called {@code name} in messages, whose answers are the lines of
   * its standard output that start with {@code answerPrefix}.
   */
  public static ChildJvm launch(String name, List<String> command, String answerPrefix) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      return new ChildJvm(name, process, answerPrefix);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the " + name + "'s JVM: " + command, e);
    }
  }

  /** Writes one line to the child's standard input. */
  public void send(String line) {
    try {
      input.write(line + "\n");
      input.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("the " + name + "'s JVM did not take '" + line + "'", e);
    }
  }

  /**
   * The child's next answer, without its prefix.
   *
   * @throws IllegalStateException when the child ended first, or said nothing for {@code timeout}
   *     (then it is stopped)
   */
  public String awaitAnswer(Duration timeout) {
    Optional<String> answer;
    try {
      answer = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the " + name + "'s JVM", e);
    }
    if (answer == null) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "the " + name + "'s JVM did not answer within " + timeout + "; it was stopped");
    }
    if (answer.isEmpty()) {
      answers.add(answer);
      throw new IllegalStateException("the " + name + "'s JVM ended");
    }
    return answer.get();
  }

  /** The child's process id (its CPU is read from {@code /proc/<pid>}). */
  public long pid() {
    return process.pid();
  }

  /**
   * Closes the child's standard input, which ends it, and waits for it; kills it after a minute.
   */
  @Override
  public void close() {
    try {
      input.close();
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

  /** Stops the child at once. */
  public void kill() {
    process.destroyForcibly();
  }
}
