package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {

  @Test
  void shouldTellGlobsFromPlainPaths() {
    assertThat(Glob.isGlob("artifacts/build/*.jar")).isTrue();
    assertThat(Glob.isGlob("artifacts/build/app?.jar")).isTrue();
    assertThat(Glob.isGlob("artifacts/{a,b}")).isTrue();
    assertThat(Glob.isGlob("artifacts/build/app.jar")).isFalse();
  }

  @Test
  void shouldFindTheFolderWhereASearchStarts() {
    assertThat(Glob.staticPrefix("artifacts/build/reports/**/*.xml"))
        .isEqualTo("artifacts/build/reports");
    assertThat(Glob.staticPrefix("*.log")).isEmpty();
    assertThat(Glob.staticPrefix("artifacts/app.jar")).isEqualTo("artifacts/app.jar");
  }

  @Test
  void shouldMatchWithinAndAcrossFolders() {
    assertThat(Glob.matches("artifacts/*.txt", "artifacts/a.txt")).isTrue();
    assertThat(Glob.matches("artifacts/*.txt", "artifacts/sub/a.txt")).isFalse();
    assertThat(Glob.matches("artifacts/**/*.txt", "artifacts/sub/deep/a.txt")).isTrue();
  }
}
