package dev.redrive.coordinator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.contract.ExecutionStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListExecutionsTest {

  private final InMemoryExecutions executions = new InMemoryExecutions(new InMemoryAttemptLog());
  private final ListExecutions listExecutions = new ListExecutions(executions);

  @Test
  void shouldWalkEveryMatchingExecutionOncePageByPage() {
    for (int i = 0; i < 7; i++) {
      executions.given(
          "exec-" + i,
          "billing",
          "redrive-runner",
          i % 2 == 0 ? ExecutionStatus.PAUSED : ExecutionStatus.RUNNING,
          "charge",
          List.of("charge"));
    }

    List<String> seen = new ArrayList<>();
    ListExecutions.Cursor after = null;
    int pages = 0;
    do {
      ListExecutions.Page page =
          listExecutions.list(
              new ExecutionFilter(null, ExecutionStatus.PAUSED, null, null, null, null, null),
              after,
              3);
      page.executions().forEach(x -> seen.add(x.executionId()));
      after = page.next();
      pages++;
    } while (after != null);

    assertThat(seen).containsExactly("exec-6", "exec-4", "exec-2", "exec-0");
    assertThat(pages).isEqualTo(2);
  }

  @Test
  void shouldEndWithoutACursorWhenNothingFollows() {
    executions.given("exec-1", "billing", "src", ExecutionStatus.RUNNING, "a", List.of("a"));

    ListExecutions.Page page = listExecutions.list(ExecutionFilter.ALL, null, 1);

    assertThat(page.executions()).hasSize(1);
    assertThat(page.next()).isNull();
  }

  @Test
  void shouldRefuseAPageLargerThanTheLimit() {
    assertThatThrownBy(() -> listExecutions.list(ExecutionFilter.ALL, null, 501))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be 1-500, was 501");
  }
}
