package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WritePathsTest {

  private final WritePaths paths =
      WritePaths.of("artifacts/build", List.of("build-cache/", "./logs", "reports/*.xml", "out-*"));

  @Test
  void shouldAllowTheArtifactsFolderAndEverythingUnderIt() {
    assertThat(paths.allows("artifacts/build")).isTrue();
    assertThat(paths.allows("artifacts/build/app.jar")).isTrue();
    assertThat(paths.allows("artifacts/build/deep/er/file")).isTrue();
  }

  @Test
  void shouldNotAllowANeighbourThatOnlySharesAPrefix() {
    assertThat(paths.allows("artifacts/builder/app.jar")).isFalse();
    assertThat(paths.allows("artifacts/prepare/data.txt")).isFalse();
    assertThat(paths.allows("input/parameters.properties")).isFalse();
  }

  @Test
  void shouldAllowPlainExtraPathsWithOrWithoutSlashes() {
    assertThat(paths.allows("build-cache/x/y")).isTrue();
    assertThat(paths.allows("logs/today.log")).isTrue();
  }

  @Test
  void shouldAllowWhatAGlobMatchesAndWhatLiesUnderAMatchingFolder() {
    assertThat(paths.allows("reports/unit.xml")).isTrue();
    assertThat(paths.allows("reports/unit.txt")).isFalse();
    assertThat(paths.allows("reports/sub/unit.xml")).isFalse();
    assertThat(paths.allows("out-1/anything/below")).isTrue();
  }

  @Test
  void shouldLetAScanSkipOnlyFoldersAllowedAsAWhole() {
    assertThat(paths.allowsFolder("artifacts/build")).isTrue();
    assertThat(paths.allowsFolder("artifacts/build/sub")).isTrue();
    assertThat(paths.allowsFolder("artifacts")).isFalse();
    assertThat(paths.allowsFolder("reports")).isFalse();
  }

  @Test
  void shouldListTheAllowedPathsWithoutTrailingSlashes() {
    assertThat(paths.allowed())
        .containsExactly("artifacts/build", "build-cache", "logs", "reports/*.xml", "out-*");
  }
}
