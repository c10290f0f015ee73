package dev.redrive.runner.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.runner.domain.CommandSpec;
import dev.redrive.runner.domain.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {

  private static final String SHA256_HELLO_NEWLINE =
      "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
  private static final String SHA256_EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String SHA256_WORLD =
      "486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7";

  private static final Phase BUILD =
      new Phase(
          "build",
          new CommandSpec(List.of("true"), Map.of(), ".", Duration.ofSeconds(1)),
          List.of(),
          List.of());

  @TempDir Path workspaces;

  private Workspace workspace;

  @BeforeEach
  void createWorkspace() {
    workspace = Workspace.create(workspaces, "exec_1");
  }

  private void write(String relative, String content) throws IOException {
    Path file = workspace.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  @Test
  void shouldCreateTheFoldersOfANewExecution() {
    // then
    assertThat(workspace.root()).isEqualTo(workspaces.resolve("exec_1").toAbsolutePath());
    assertThat(workspace.root().resolve("input")).isDirectory();
    assertThat(workspace.root().resolve("artifacts")).isDirectory();
    assertThat(workspace.root().resolve(".redrive")).isDirectory();
  }

  @Test
  void shouldResolveRelativePathsNormalized() {
    // when
    Path resolved = workspace.resolve("artifacts/./build/../build/app.jar");

    // then
    assertThat(resolved).isEqualTo(workspace.root().resolve("artifacts/build/app.jar"));
  }

  @Test
  void shouldPrepareThePhasesArtifactsFolderAndKeepWhatIsAlreadyThere() throws IOException {
    // given
    write("artifacts/build/kept.txt", "from attempt 1");

    // when
    workspace.prepare(BUILD);

    // then
    assertThat(workspace.resolve("artifacts/build")).isDirectory();
    assertThat(workspace.resolve("artifacts/build/kept.txt")).hasContent("from attempt 1");
  }

  @Test
  void shouldCopyTheFailedAttemptsArtifactsAndKeepTheWorkingCopy() throws IOException {
    // given
    write("artifacts/build/app.jar", "jar bytes");
    write("artifacts/build/reports/test.txt", "2 failed");
    write("artifacts/other/unrelated.txt", "not this phase");

    // when
    String archive = workspace.archiveFailed(BUILD, 2);

    // then
    assertThat(archive).isEqualTo("artifacts/_failed/build/attempt-2/");
    assertThat(workspace.resolve(archive + "app.jar")).hasContent("jar bytes");
    assertThat(workspace.resolve(archive + "reports/test.txt")).hasContent("2 failed");
    assertThat(workspace.resolve(archive + "unrelated.txt")).doesNotExist();
    assertThat(workspace.resolve("artifacts/build/app.jar")).hasContent("jar bytes");
    assertThat(workspace.resolve("artifacts/build/reports/test.txt")).hasContent("2 failed");
  }

  @Test
  void shouldKeepOneArchivePerAttempt() throws IOException {
    // given
    write("artifacts/build/app.jar", "attempt 1");
    workspace.archiveFailed(BUILD, 1);
    write("artifacts/build/app.jar", "attempt 2");

    // when
    workspace.archiveFailed(BUILD, 2);

    // then
    assertThat(workspace.resolve("artifacts/_failed/build/attempt-1/app.jar"))
        .hasContent("attempt 1");
    assertThat(workspace.resolve("artifacts/_failed/build/attempt-2/app.jar"))
        .hasContent("attempt 2");
  }

  @Test
  void shouldReplaceAnEarlierArchiveOfTheSameAttempt() throws IOException {
    // given
    write("artifacts/build/app.jar", "first");
    workspace.archiveFailed(BUILD, 1);
    write("artifacts/build/app.jar", "second");

    // when
    workspace.archiveFailed(BUILD, 1);

    // then
    assertThat(workspace.resolve("artifacts/_failed/build/attempt-1/app.jar")).hasContent("second");
  }

  @Test
  void shouldCreateAnEmptyArchiveWhenThePhaseHasNoArtifacts() {
    // when
    String archive = workspace.archiveFailed(BUILD, 1);

    // then
    assertThat(archive).isEqualTo("artifacts/_failed/build/attempt-1/");
    assertThat(workspace.resolve(archive)).isEmptyDirectory();
  }

  @Test
  void shouldWriteTheErrorReportAtTheTopAndNextToTheArchive() {
    // given
    String archive = workspace.archiveFailed(BUILD, 1);

    // when
    workspace.writeErrorReport(archive, "ERROR REPORT\n");

    // then
    assertThat(workspace.resolve("error.log")).hasContent("ERROR REPORT");
    assertThat(workspace.resolve("artifacts/_failed/build/attempt-1/error.log"))
        .hasContent("ERROR REPORT");
  }

  @Test
  void shouldWriteAFileCreatingItsFolders() {
    // when
    Path written = workspace.write(".redrive/context-build-attempt-2.json", "{}");

    // then
    assertThat(written).isEqualTo(workspace.resolve(".redrive/context-build-attempt-2.json"));
    assertThat(written).hasContent("{}");
  }

  @Test
  void shouldGiveTheSha256OfEveryArtifactByWorkspaceRelativePath() throws IOException {
    // given
    write("artifacts/build/hello.txt", "hello\n");
    write("artifacts/build/nested/deeper/world.txt", "world");
    write("artifacts/build/empty.txt", "");
    write("artifacts/other/ignored.txt", "other phase");
    write("input/parameters.properties", "a=b\n");

    // when
    Map<String, String> sums = workspace.checksums(BUILD);

    // then
    assertThat(sums)
        .containsExactly(
            Map.entry("artifacts/build/empty.txt", SHA256_EMPTY),
            Map.entry("artifacts/build/hello.txt", SHA256_HELLO_NEWLINE),
            Map.entry("artifacts/build/nested/deeper/world.txt", SHA256_WORLD));
  }

  @Test
  void shouldGiveNoChecksumsWhenThePhaseHasNoArtifacts() {
    // when
    Map<String, String> sums = workspace.checksums(BUILD);

    // then
    assertThat(sums).isEmpty();
  }

  @Test
  void shouldKeepParametersWithAnyCharactersThroughAWriteAndARead() {
    // given
    Map<String, String> parameters =
        Map.of("plain", "value", "tricky key", "a=b:c\nnext line", "empty", "");

    // when
    workspace.writeParameters(parameters);

    // then
    assertThat(workspace.parameters()).containsExactlyInAnyOrderEntriesOf(parameters);
    assertThat(workspace.resolve(Workspace.PARAMETERS)).content().doesNotStartWith("#");
  }

  @Test
  void shouldCopyTheInputFolderOfAnotherWorkspace() {
    // given
    Workspace original = Workspace.create(workspaces, "exec_original");
    original.write("input/data.txt", "hello");
    original.write("input/sub/deep.txt", "deep");

    // when
    workspace.copyInputFrom(original);

    // then
    assertThat(workspace.resolve("input/data.txt")).hasContent("hello");
    assertThat(workspace.resolve("input/sub/deep.txt")).hasContent("deep");
  }

  @Test
  void shouldReplaceAFileAtomically() {
    // given
    workspace.write(Workspace.STATE_FILE, "old");

    // when
    workspace.writeAtomically(Workspace.STATE_FILE, "new");

    // then
    assertThat(workspace.resolve(Workspace.STATE_FILE)).hasContent("new");
    assertThat(workspace.resolve(Workspace.STATE_FILE + ".tmp")).doesNotExist();
  }

  @Test
  void shouldKnowTheRunnersOwnFolders() {
    assertThat(Workspace.isRunnerArea(".redrive/state.json")).isTrue();
    assertThat(Workspace.isRunnerArea("artifacts/_untrusted/build/x")).isTrue();
    assertThat(Workspace.isRunnerArea("artifacts/build/x")).isFalse();
    assertThat(Workspace.isRunnerArea("artifacts/_failedx")).isFalse();
  }
}
