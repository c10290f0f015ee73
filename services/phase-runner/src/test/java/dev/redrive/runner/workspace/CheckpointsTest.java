package dev.redrive.runner.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.WritePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

  private static final WritePaths BUILD = WritePaths.of("artifacts/build", List.of("shared/"));

  @TempDir java.nio.file.Path workspaces;

  private Workspace workspace;

  @BeforeEach
  void createWorkspace() {
    workspace = Workspace.create(workspaces, "exec_1");
  }

  @Test
  void shouldCopyEveryFileInScopeAndListItsSizeAndHash() {
    workspace.write("artifacts/build/app.jar", "jar");
    workspace.write("shared/lib.txt", "lib");
    workspace.write("artifacts/other/x.txt", "not in scope");
    workspace.write("artifacts/_failed/build/attempt-1/old.jar", "runner's archive");

    Map<String, FileFingerprint> manifest = Checkpoints.record(workspace, "build", BUILD);

    assertThat(manifest).containsOnlyKeys("artifacts/build/app.jar", "shared/lib.txt");
    assertThat(manifest.get("artifacts/build/app.jar").size()).isEqualTo(3);
    assertThat(manifest.get("artifacts/build/app.jar").sha256())
        .isEqualTo("0163f1eea7894350060624d315234d40c508ab251ba121714e234503045faadd");
    assertThat(workspace.resolve(".redrive/checkpoints/build/artifacts/build/app.jar"))
        .hasContent("jar");
    assertThat(workspace.resolve(".redrive/checkpoints/build/shared/lib.txt")).hasContent("lib");
  }

  @Test
  void shouldPutBackChangedAndMissingFilesFromTheCopies() throws IOException {
    workspace.write("artifacts/build/app.jar", "jar");
    workspace.write("shared/lib.txt", "lib");
    Map<String, FileFingerprint> manifest = Checkpoints.record(workspace, "build", BUILD);
    workspace.write("artifacts/build/app.jar", "spoiled");
    Files.delete(workspace.resolve("shared/lib.txt"));

    List<String> restored = Checkpoints.restore(workspace, "build", manifest);

    assertThat(restored).containsExactly("artifacts/build/app.jar", "shared/lib.txt");
    assertThat(workspace.resolve("artifacts/build/app.jar")).hasContent("jar");
    assertThat(workspace.resolve("shared/lib.txt")).hasContent("lib");
  }

  @Test
  void shouldRefuseToRestoreFromACopyThatWasChanged() {
    workspace.write("artifacts/build/app.jar", "jar");
    Map<String, FileFingerprint> manifest = Checkpoints.record(workspace, "build", BUILD);
    workspace.write("artifacts/build/app.jar", "spoiled");
    workspace.write(".redrive/checkpoints/build/artifacts/build/app.jar", "forged");

    assertThatThrownBy(() -> Checkpoints.restore(workspace, "build", manifest))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("its copy in .redrive/checkpoints/build is missing or was changed");
  }

  @Test
  void shouldArchiveAPhasesArtifactsAndItsCheckpointedFilesElsewhere() {
    workspace.write("artifacts/build/app.jar", "jar");
    workspace.write("artifacts/build/sub/notes.txt", "notes");
    workspace.write("shared/lib.txt", "lib");
    Map<String, FileFingerprint> manifest = Checkpoints.record(workspace, "build", BUILD);

    boolean moved =
        Checkpoints.archivePhase(
            workspace, "artifacts/build", manifest, "artifacts/_rolled_back/build/T1/");

    assertThat(moved).isTrue();
    assertThat(workspace.resolve("artifacts/build")).doesNotExist();
    assertThat(workspace.resolve("shared/lib.txt")).doesNotExist();
    assertThat(workspace.resolve("artifacts/_rolled_back/build/T1/app.jar")).hasContent("jar");
    assertThat(workspace.resolve("artifacts/_rolled_back/build/T1/sub/notes.txt"))
        .hasContent("notes");
    assertThat(
            workspace.resolve("artifacts/_rolled_back/build/T1/_outside-artifacts/shared/lib.txt"))
        .hasContent("lib");
  }

  @Test
  void shouldArchiveFilesWrittenIntoTheScopeAfterTheCheckpoint() {
    workspace.write("artifacts/build/app.jar", "jar");
    Map<String, FileFingerprint> manifest = Checkpoints.record(workspace, "build", BUILD);
    workspace.write("artifacts/build/later.txt", "later");

    List<String> moved =
        Checkpoints.archiveExtras(workspace, BUILD, manifest, "artifacts/_rolled_back/build/T2/");

    assertThat(moved).containsExactly("artifacts/build/later.txt");
    assertThat(workspace.resolve("artifacts/_rolled_back/build/T2/artifacts/build/later.txt"))
        .hasContent("later");
    assertThat(workspace.resolve("artifacts/build/app.jar")).hasContent("jar");
  }

  @Test
  void shouldDiscardTheCopies() {
    workspace.write("artifacts/build/app.jar", "jar");
    Checkpoints.record(workspace, "build", BUILD);

    Checkpoints.discard(workspace, "build");

    assertThat(workspace.resolve(".redrive/checkpoints/build")).doesNotExist();
  }
}
