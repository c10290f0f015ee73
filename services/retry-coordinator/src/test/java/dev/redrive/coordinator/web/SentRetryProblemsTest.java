package dev.redrive.coordinator.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.coordinator.app.SentRetries;
import org.junit.jupiter.api.Test;

class SentRetryProblemsTest {

  private final SentRetryProblems problems = new SentRetryProblems();

  @Test
  void shouldAskToComeBackWhileTheRegistryDoesNotAnswer() {
    var problem =
        problems.unreadable(
            new SentRetries.UnreadableException("registry down", true, new RuntimeException()));

    assertThat(problem.getStatus()).isEqualTo(503);
    assertThat(problem.getDetail()).isEqualTo("registry down");
  }

  @Test
  void shouldCallADamagedRowAnError() {
    var problem =
        problems.unreadable(new SentRetries.UnreadableException("damaged: 3 parts", false, null));

    assertThat(problem.getStatus()).isEqualTo(500);
    assertThat(problem.getTitle()).isEqualTo("Retry not readable");
  }
}
