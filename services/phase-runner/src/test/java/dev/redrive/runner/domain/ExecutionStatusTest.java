package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExecutionStatusTest {

  @Test
  void shouldLeaveACancelNothingToStopOnceSucceededOrCancelled() {
    assertThat(ExecutionStatus.SUCCEEDED.isFinal()).isTrue();
    assertThat(ExecutionStatus.CANCELLED.isFinal()).isTrue();
    assertThat(ExecutionStatus.RUNNING.isFinal()).isFalse();
    assertThat(ExecutionStatus.FAILED.isFinal()).isFalse();
  }
}
