package dev.redrive.coordinator.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The class tag of the fingerprint meter stays bounded whatever reporters send. */
class FingerprintClassesTest {

  @Test
  void shouldKeepTheFirstClassesAndCountTheRestAsOther() {
    FingerprintClasses classes = new FingerprintClasses(2);

    assertThat(classes.tag("COMMAND_FAILED/exit code <n>"))
        .isEqualTo("COMMAND_FAILED/exit code <n>");
    assertThat(classes.tag("TIMEOUT")).isEqualTo("TIMEOUT");
    assertThat(classes.tag("OTHER/boom")).isEqualTo(FingerprintClasses.OTHER);
    assertThat(classes.tag("TIMEOUT")).as("a known class keeps its name").isEqualTo("TIMEOUT");
  }
}
