package dev.redrive.coordinator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.domain.FailureType;
import org.junit.jupiter.api.Test;

/** The updates of one execution in a batch fold into one: what a later one sets wins. */
class ExecutionUpdateTest {

  @Test
  void laterValuesWinAndAnUnsetValueKeepsTheEarlierOne() {
    ExecutionUpdate failed = new ExecutionUpdate("e", null, null, null, FailureType.TIMEOUT);
    ExecutionUpdate scheduled =
        new ExecutionUpdate("e", ExecutionStatus.RETRY_SCHEDULED, "build", "TIMEOUT: slow", null);
    ExecutionUpdate started = new ExecutionUpdate("e", ExecutionStatus.RUNNING, "test", null, null);

    assertThat(failed.then(scheduled).then(started))
        .isEqualTo(
            new ExecutionUpdate(
                "e", ExecutionStatus.RUNNING, "test", "TIMEOUT: slow", FailureType.TIMEOUT));
  }

  @Test
  void aFailureTypeAloneLeavesTheStatusToTheDatabase() {
    ExecutionUpdate loopHandled =
        new ExecutionUpdate("e", null, null, null, FailureType.EXIT_CRITERIA_NOT_MET);

    assertThat(loopHandled.then(loopHandled).status()).isNull();
  }
}
