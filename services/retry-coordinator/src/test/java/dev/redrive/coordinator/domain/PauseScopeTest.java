package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PauseScopeTest {

  @Test
  void shouldCoverACommandFromEveryScopeAboveIt() {
    List<String> keys = PauseScope.keysCovering("demo", "build");

    assertThat(keys.stream().map(PauseScope::ofKey))
        .containsExactly(
            PauseScope.all(), PauseScope.pipeline("demo"), PauseScope.phase("demo", "build"));
    assertThat(PauseScope.phase("demo", "build").covers("demo", "build", "exec-2")).isTrue();
    assertThat(PauseScope.phase("demo", "build").covers("demo", "test", "exec-2")).isFalse();
    assertThat(PauseScope.pipeline("demo").covers("other", "build", "exec-2")).isFalse();
    assertThat(PauseScope.execution("exec-1").covers(null, null, "exec-1")).isTrue();
  }

  @Test
  void shouldLeaveOutThePipelineScopesOfACommandWithoutAPipeline() {
    assertThat(PauseScope.keysCovering(null, "charge")).containsExactly(PauseScope.all().key());
    assertThat(PauseScope.execution("exec-1").covers(null, null, "exec-2")).isFalse();
  }

  @Test
  void shouldNotConfuseAPipelineWhoseNameLooksLikeAPhaseKey() {
    // a pipeline named "a" with phase "b" and a pipeline whose name holds the separator cannot
    // meet: names cannot contain control characters, and the kinds differ
    assertThat(PauseScope.pipeline("a b").key()).isNotEqualTo(PauseScope.phase("a", "b").key());
  }

  @Test
  void shouldRefuseAScopeThatMixesKinds() {
    assertThatThrownBy(() -> new PauseScope(PauseScope.Kind.PHASE, null, "build", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a pipeline, a phase of a pipeline or an execution");
  }

  @Test
  void shouldDescribeItselfInWords() {
    assertThat(PauseScope.phase("demo", "build").describe())
        .isEqualTo("retries of phase build of pipeline demo");
    assertThat(PauseScope.all().describe()).isEqualTo("every retry");
  }
}
