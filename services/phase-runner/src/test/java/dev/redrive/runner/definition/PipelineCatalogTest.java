package dev.redrive.runner.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.runner.domain.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

class PipelineCatalogTest {

  private final PathMatchingResourcePatternResolver resolver =
      new PathMatchingResourcePatternResolver();

  @TempDir Path dir;

  private static String pipeline(String name, String phase) {
    return """
        name: %s
        phases:
          - name: %s
            command:
              argv: ["true"]
        """
        .formatted(name, phase);
  }

  private void write(String file, String content) throws IOException {
    Files.writeString(dir.resolve(file), content);
  }

  private String location() {
    return "file:" + dir.toAbsolutePath();
  }

  @Test
  void shouldLoadEveryYamlAndYmlFileAtTheLocation() throws IOException {
    // given
    write("build.yaml", pipeline("build", "compile"));
    write("release.yml", pipeline("release", "publish"));
    write("README.md", "not a pipeline");

    // when
    PipelineCatalog catalog = PipelineCatalog.load(resolver, location());

    // then
    assertThat(catalog.all()).extracting(Pipeline::name).containsExactly("build", "release");
    assertThat(catalog.find("build")).get().extracting(Pipeline::file).isEqualTo("build.yaml");
    assertThat(catalog.find("release"))
        .get()
        .satisfies(p -> assertThat(p.file()).isEqualTo("release.yml"))
        .satisfies(p -> assertThat(p.phaseNames()).containsExactly("publish"));
  }

  @Test
  void shouldAcceptALocationWithATrailingSlash() throws IOException {
    // given
    write("build.yaml", pipeline("build", "compile"));

    // when
    PipelineCatalog catalog = PipelineCatalog.load(resolver, location() + "/");

    // then
    assertThat(catalog.find("build")).isPresent();
  }

  @Test
  void shouldFindNothingForAnUnknownName() throws IOException {
    // given
    write("build.yaml", pipeline("build", "compile"));

    // when
    PipelineCatalog catalog = PipelineCatalog.load(resolver, location());

    // then
    assertThat(catalog.find("deploy")).isEmpty();
  }

  @Test
  void shouldNameThePipelineNameByWhichItIsFoundNotTheFileName() throws IOException {
    // given
    write("some-file.yaml", pipeline("nightly", "compile"));

    // when
    PipelineCatalog catalog = PipelineCatalog.load(resolver, location());

    // then
    assertThat(catalog.find("nightly")).isPresent();
    assertThat(catalog.find("some-file")).isEmpty();
  }

  @Test
  void shouldRejectTheSamePipelineNameInTwoFiles() throws IOException {
    // given
    write("a.yaml", pipeline("build", "compile"));
    write("b.yaml", pipeline("build", "package"));

    // when / then
    assertThatThrownBy(() -> PipelineCatalog.load(resolver, location()))
        .isInstanceOf(PipelineDefinitionException.class)
        .hasMessageContaining("pipeline 'build' is already defined in")
        .hasMessageContaining("a.yaml")
        .hasMessageContaining("b.yaml");
  }

  @Test
  void shouldRejectTheSamePipelineNameInAYamlAndAYmlFile() throws IOException {
    // given
    write("build.yaml", pipeline("build", "compile"));
    write("build-copy.yml", pipeline("build", "compile"));

    // when / then
    assertThatThrownBy(() -> PipelineCatalog.load(resolver, location()))
        .isInstanceOf(PipelineDefinitionException.class)
        .hasMessage(
            "%s: pipeline 'build' is already defined in %s"
                .formatted(dir.resolve("build.yaml"), dir.resolve("build-copy.yml")));
  }

  @Test
  void shouldFailWhenNoDefinitionIsAtTheLocation() throws IOException {
    // given
    write("notes.txt", "nothing here");

    // when / then
    assertThatThrownBy(() -> PipelineCatalog.load(resolver, location()))
        .isInstanceOf(PipelineDefinitionException.class)
        .hasMessage(
            "no pipeline definitions (*.yaml) found at "
                + location()
                + " (setting redrive.runner.pipelines)");
  }

  @Test
  void shouldFailWhenTheLocationDoesNotExist() {
    // given
    String missing = "file:" + dir.resolve("missing").toAbsolutePath();

    // when / then
    assertThatThrownBy(() -> PipelineCatalog.load(resolver, missing))
        .isInstanceOf(PipelineDefinitionException.class)
        .hasMessageStartingWith("no pipeline definitions (*.yaml) found at " + missing);
  }

  @Test
  void shouldNameTheFileAndLineOfAnInvalidDefinition() throws IOException {
    // given
    write("good.yaml", pipeline("good", "compile"));
    write(
        "broken.yaml",
        """
        name: broken
        phases:
          - name: build
            comand:
              argv: [make]
        """);

    // when / then
    assertThatThrownBy(() -> PipelineCatalog.load(resolver, location()))
        .isInstanceOf(PipelineDefinitionException.class)
        .hasMessageStartingWith(dir.resolve("broken.yaml") + ":4: phases[0].comand: unknown key");
  }

  @Test
  void shouldRefuseAFileOverOneMebibyteNamingItsPath() throws IOException {
    // given
    write("huge.yaml", pipeline("huge", "compile") + "#" + "x".repeat(1024 * 1024));

    // when / then
    assertThatThrownBy(() -> PipelineCatalog.load(resolver, location()))
        .isInstanceOf(PipelineDefinitionException.class)
        .hasMessageStartingWith(dir.resolve("huge.yaml") + ": the file is larger than 1048576");
  }

  @Test
  void shouldKeepTheGoodPipelinesAndNameTheBadFileWhenWatching() throws IOException {
    // given a good file and one with a bad field
    write("good.yaml", pipeline("good", "compile"));
    write("broken.yaml", "name: broken\nphases:\n  - name: b\n    comand: {argv: [make]}\n");

    // when
    PipelineCatalog catalog = PipelineCatalog.watching(resolver, location());

    // then the good one is there and the bad one is one line naming path, line and field
    assertThat(catalog.all()).extracting(Pipeline::name).containsExactly("good");
    assertThat(catalog.problems())
        .containsOnlyKeys(dir.resolve("broken.yaml").toString())
        .hasValueSatisfying(
            new Condition<>(
                (String problem) ->
                    problem.startsWith(
                            dir.resolve("broken.yaml") + ":4: phases[0].comand: unknown key")
                        && !problem.contains("\n"),
                "one line naming path, line and field"));
  }

  @Test
  void shouldPickUpNewAndChangedFilesAndKeepTheLastGoodVersionOfAFileThatTurnsBad()
      throws IOException {
    // given a catalog watching an empty folder
    PipelineCatalog catalog = PipelineCatalog.watching(resolver, location());
    assertThat(catalog.all()).isEmpty();

    // when a file arrives
    write("build.yaml", pipeline("build", "compile"));
    catalog.reload();

    // then it is used
    assertThat(catalog.find("build"))
        .get()
        .satisfies(p -> assertThat(p.phaseNames()).containsExactly("compile"));

    // when it changes
    write("build.yaml", pipeline("build", "package"));
    catalog.reload();

    // then the new version is used
    assertThat(catalog.find("build"))
        .get()
        .satisfies(p -> assertThat(p.phaseNames()).containsExactly("package"));

    // when it turns bad
    write("build.yaml", "name: build\nphases: []\n");
    catalog.reload();

    // then the last good version stays and the problem is named
    assertThat(catalog.find("build"))
        .get()
        .satisfies(p -> assertThat(p.phaseNames()).containsExactly("package"));
    assertThat(catalog.problems()).containsKey(dir.resolve("build.yaml").toString());

    // when it is mended, then deleted
    write("build.yaml", pipeline("build", "test"));
    catalog.reload();
    assertThat(catalog.problems()).isEmpty();
    assertThat(catalog.find("build"))
        .get()
        .satisfies(p -> assertThat(p.phaseNames()).containsExactly("test"));
    Files.delete(dir.resolve("build.yaml"));
    catalog.reload();

    // then it is gone
    assertThat(catalog.find("build")).isEmpty();
  }

  @Test
  void shouldNameTheLaterFileWhenTwoFilesDefineOnePipelineWhileWatching() throws IOException {
    // given
    write("a.yaml", pipeline("build", "compile"));
    write("b.yaml", pipeline("build", "package"));

    // when
    PipelineCatalog catalog = PipelineCatalog.watching(resolver, location());

    // then the first by path wins and the second is the problem
    assertThat(catalog.find("build")).get().extracting(Pipeline::file).isEqualTo("a.yaml");
    assertThat(catalog.problems())
        .containsEntry(
            dir.resolve("b.yaml").toString(),
            "%s: pipeline 'build' is already defined in %s"
                .formatted(dir.resolve("b.yaml"), dir.resolve("a.yaml")));
  }

  @Test
  void shouldLoadThePipelinesThatShipWithTheRunner() {
    // when
    PipelineCatalog catalog = PipelineCatalog.load(resolver, "classpath:pipelines/");

    // then
    assertThat(catalog.all()).isNotEmpty().allSatisfy(p -> assertThat(p.phases()).isNotEmpty());
  }
}
