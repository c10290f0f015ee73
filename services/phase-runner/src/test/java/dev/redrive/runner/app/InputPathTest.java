package dev.redrive.runner.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names of input files sent with a start request stay inside {@code input/}. */
class InputPathTest {

  @Test
  void shouldPlaceAnInputFileUnderInput() {
    assertThat(StartExecution.inputPath("data.txt")).isEqualTo("input/data.txt");
    assertThat(StartExecution.inputPath("sub/./deep.txt")).isEqualTo("input/sub/deep.txt");
    assertThat(StartExecution.inputPath("sub/../data.txt")).isEqualTo("input/data.txt");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape.txt", "/etc/passwd", "sub/../../x", ".", " ", "a/.."})
  void shouldRefuseANameThatLeavesInput(String name) {
    assertThatThrownBy(() -> StartExecution.inputPath(name))
        .isInstanceOf(InvalidStartException.class)
        .hasMessageContaining("must stay inside input/");
  }

  @Test
  void shouldRefuseTheNameOfTheParametersFile() {
    assertThatThrownBy(() -> StartExecution.inputPath("parameters.properties"))
        .isInstanceOf(InvalidStartException.class)
        .hasMessageContaining("reserved");
  }
}
