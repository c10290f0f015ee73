package dev.redrive.runner.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceFilesTest {

  @TempDir Path root;

  @Test
  void shouldRemoveOnlyStagingFoldersOlderThanTheAgeAndNoWorkspace() throws IOException {
    // given a staging folder a crashed start left two hours ago, one being filled now, and a
    // workspace that is two hours old
    Instant now = Instant.parse("2026-12-06T12:00:00Z");
    Path abandoned = folder(".staging-exec_1-abcd1234", now.minus(Duration.ofHours(2)), true);
    Path inProgress = folder(".staging-exec_2-efgh5678", now.minus(Duration.ofMinutes(1)), false);
    Path workspace = folder("exec_3", now.minus(Duration.ofHours(2)), true);

    // when
    int removed = new WorkspaceFiles(root).removeAbandonedStaging(Duration.ofHours(1), now);

    // then
    assertThat(removed).isEqualTo(1);
    assertThat(abandoned).doesNotExist();
    assertThat(inProgress).isDirectory();
    assertThat(workspace).isDirectory();
  }

  @Test
  void shouldDoNothingWhenTheRootDoesNotExistYet() {
    assertThat(
            new WorkspaceFiles(root.resolve("missing"))
                .removeAbandonedStaging(Duration.ofHours(1), Instant.now()))
        .isZero();
  }

  private Path folder(String name, Instant modified, boolean withAFile) throws IOException {
    Path folder = Files.createDirectory(root.resolve(name));
    if (withAFile) {
      Files.writeString(folder.resolve("parameters.json"), "{}");
    }
    Files.setLastModifiedTime(folder, FileTime.from(modified));
    return folder;
  }
}
