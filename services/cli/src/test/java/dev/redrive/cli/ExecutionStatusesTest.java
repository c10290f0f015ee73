package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.contract.ExecutionStatus;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutionStatusesTest {

  @Test
  void everyStatusTheCliComparesIsOneOfTheSharedVocabulary() throws IllegalAccessException {
    List<String> names = new ArrayList<>();
    for (Field field : ExecutionStatuses.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        String value = (String) field.get(null);
        assertThat(value).as(field.getName()).isEqualTo(field.getName());
        names.add(value);
      }
    }

    assertThat(names)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ExecutionStatus.values()).map(Enum::name).toList());
  }

  @Test
  void startWaitStopsWhereNothingHappensWithoutAPerson() {
    assertThat(ExecutionStatuses.WAIT_ENDS)
        .allSatisfy(
            name -> {
              ExecutionStatus status = ExecutionStatus.valueOf(name);
              assertThat(status.isFinal() || status == ExecutionStatus.PAUSED).isTrue();
            });
    assertThat(ExecutionStatuses.MOVING)
        .noneMatch(ExecutionStatuses.WAIT_ENDS::contains)
        .allSatisfy(name -> assertThat(ExecutionStatus.valueOf(name).isFinal()).isFalse());
  }
}
