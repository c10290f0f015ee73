package dev.redrive.runner.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.runner.domain.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        .hasMessage("build-copy.yml: pipeline 'build' is already defined in build.yaml");
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
        .hasMessageStartingWith("broken.yaml:4: phases[0].comand: unknown key");
  }

  @Test
  void shouldLoadThePipelinesThatShipWithTheRunner() {
    // when
    PipelineCatalog catalog = PipelineCatalog.load(resolver, "classpath:pipelines/");

    // then
    assertThat(catalog.all()).isNotEmpty().allSatisfy(p -> assertThat(p.phases()).isNotEmpty());
  }
}
