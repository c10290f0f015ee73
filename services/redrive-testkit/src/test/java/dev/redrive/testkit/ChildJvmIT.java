package dev.redrive.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmIT {

  /** The child: echoes each line as an answer after a line that is not one; silent on "wait". */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      var lines = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      var out =
          new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
      for (String line; (line = lines.readLine()) != null; ) {
        switch (line) {
          case "wait" -> {
            // says nothing
          }
          case "exit" -> System.exit(3);
          default -> {
            out.println("a line that is no answer");
            out.println("answer: " + line);
          }
        }
      }
    }
  }

  private static final List<String> COMMAND =
      List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp",
          System.getProperty("java.class.path"),
          Child.class.getName());

  @Test
  void shouldTakeOnlyTheAnswerLinesAndEndTheChildWhenClosed() {
    ChildJvm child = ChildJvm.launch("echo", COMMAND, "answer: ");
    ProcessHandle process = ProcessHandle.of(child.pid()).orElseThrow();
    try {
      child.send("héllo");
      assertThat(child.awaitAnswer(Duration.ofSeconds(30))).isEqualTo("héllo");
      child.send("again");
      assertThat(child.awaitAnswer(Duration.ofSeconds(30))).isEqualTo("again");
    } finally {
      child.close();
    }
    assertThat(process.isAlive()).isFalse();
  }

  @Test
  void shouldStopAChildThatDoesNotAnswerInTime() {
    ChildJvm child = ChildJvm.launch("echo", COMMAND, "answer: ");
    ProcessHandle process = ProcessHandle.of(child.pid()).orElseThrow();
    try {
      child.send("wait");
      assertThatThrownBy(() -> child.awaitAnswer(Duration.ofMillis(500)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the echo's JVM did not answer within PT0.5S; it was stopped");
      assertThat(process.onExit()).succeedsWithin(Duration.ofSeconds(30));
    } finally {
      child.close();
    }
  }

  @Test
  void shouldSayThatTheChildEndedInsteadOfWaiting() {
    ChildJvm child = ChildJvm.launch("echo", COMMAND, "answer: ");
    try {
      child.send("exit");
      assertThatThrownBy(() -> child.awaitAnswer(Duration.ofSeconds(60)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the echo's JVM ended");
      // and again: the end is kept for the next caller
      assertThatThrownBy(() -> child.awaitAnswer(Duration.ofSeconds(60)))
          .hasMessage("the echo's JVM ended");
    } finally {
      child.close();
    }
  }
}
