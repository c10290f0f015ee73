package dev.redrive.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExecutionStatusTest {

  @Test
  void onlySucceededAndCancelledAreFinal() {
    assertThat(ExecutionStatus.values())
        .filteredOn(ExecutionStatus::isFinal)
        .containsExactly(ExecutionStatus.SUCCEEDED, ExecutionStatus.CANCELLED);
  }

  @Test
  void namesTheStatusesEveryServiceShares() {
    assertThat(ExecutionStatus.values())
        .extracting(Enum::name)
        .containsExactly(
            "RUNNING", "HALTED", "RETRY_SCHEDULED", "PAUSED", "SUCCEEDED", "CANCELLED");
  }
}
