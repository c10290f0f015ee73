package dev.redrive.runner.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class RemovedRunnerSettingsTest {

  @Test
  void theRemovedFirstAttemptBoundStopsTheStartNamingWhereItWasSetAndWhatReplacedIt() {
    // given a configuration written for an older runner
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "phase-runner.yml", Map.of("redrive.runner.first-attempt-max-attempts", "3")));

    // when the runner starts, then it stops with the key, its source and what replaced it
    assertThatThrownBy(() -> new RemovedRunnerSettings().postProcessEnvironment(environment, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("redrive.runner.first-attempt-max-attempts is set (")
        .hasMessageContaining("from property source \"phase-runner.yml\"")
        .hasMessageContaining("retry-policy.max-attempts")
        .hasMessageContaining("redrive.coordinator.policy.max-attempts");
  }

  @Test
  void theEnvironmentVariableFormIsRefusedToo() {
    // given the setting as an environment variable
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of("REDRIVE_RUNNER_FIRSTATTEMPTMAXATTEMPTS", "2")));

    // when the runner starts, then it stops
    assertThatThrownBy(() -> new RemovedRunnerSettings().postProcessEnvironment(environment, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("redrive.runner.first-attempt-max-attempts is set (");
  }

  @Test
  void aConfigurationWithoutItStarts() {
    // given a configuration without the removed setting
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(new MapPropertySource("phase-runner.yml", Map.of("redrive.runner.workers", "2")));

    // then nothing stops the start
    assertThatCode(() -> new RemovedRunnerSettings().postProcessEnvironment(environment, null))
        .doesNotThrowAnyException();
  }
}
