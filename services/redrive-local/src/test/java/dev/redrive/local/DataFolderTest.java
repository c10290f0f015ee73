package dev.redrive.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFolderTest {

  @TempDir Path dir;

  @Test
  void shouldKeepTheDataAndRefuseASecondHolder() throws IOException {
    // given a folder in use
    Path root = dir.resolve("data");
    try (DataFolder data = DataFolder.open(root, false)) {
      Files.writeString(data.root().resolve("schemas.jsonl"), "kept");

      // when another launcher asks for it, then it is refused with the holder named
      assertThatThrownBy(() -> DataFolder.open(root, false))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("another Redrive launcher is using " + root + " (pid ")
          .hasMessageEndingWith("stop it first, or give this one another folder with --data");
    }

    // when it is taken again after the first let go, then the data is still there
    try (DataFolder data = DataFolder.open(root, false)) {
      assertThat(Files.readString(data.schemas())).isEqualTo("kept");
      assertThat(data.workspaces()).isDirectory();
      assertThat(data.config()).isDirectory();
    }
  }

  @Test
  void shouldDeleteEverythingWhenFresh() throws IOException {
    // given
    Path root = dir.resolve("data");
    try (DataFolder data = DataFolder.open(root, false)) {
      Files.createDirectories(data.kafka());
      Files.writeString(data.kafka().resolve("meta.properties"), "cluster");
      assertThat(data.hasData()).isTrue();
    }

    // when
    try (DataFolder data = DataFolder.open(root, true)) {
      // then
      assertThat(data.hasData()).isFalse();
      assertThat(data.kafka()).doesNotExist();
      assertThat(root.resolve(DataFolder.MARKER)).exists();
    }
  }

  @Test
  void shouldNeverTakeAFolderWithOtherContent() throws IOException {
    // given someone's folder
    Files.writeString(dir.resolve("thesis.tex"), "years of work");

    // when / then: nothing is deleted, even with --fresh
    assertThatThrownBy(() -> DataFolder.open(dir, true))
        .hasMessage(
            dir
                + " is not empty and is not a Redrive data folder (it has no .redrive-data file);"
                + " give --data an empty or new folder");
    assertThat(dir.resolve("thesis.tex")).hasContent("years of work");
  }

  @Test
  void shouldKeepTheBrokersPortsAcrossRestarts() {
    // given
    Path root = dir.resolve("data");
    int[] first;
    try (DataFolder data = DataFolder.open(root, false)) {
      first = data.kafkaPorts(dev.redrive.testkit.EmbeddedInfrastructure::freeLoopbackPort);
    }

    // when
    try (DataFolder data = DataFolder.open(root, false)) {
      // then
      assertThat(data.kafkaPorts(() -> 1)).containsExactly(first);
    }
  }
}
